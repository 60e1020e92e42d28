#!/usr/bin/env bash
# LOCAL RUN ONLY: prints the messages of a topic of the local run (run.sh), each with its JMS
# properties and body, reading the durable subscription TOPIC-local that the embedded broker keeps.
# Reading consumes them: each message is printed once.
#   server-config/local-run/consume.sh [TOPIC (orders)] [SUBSCRIPTION (TOPIC-local)] [--max N] [--idle-seconds S]
# BROKER_PORT (default 61616) or BROKER_URL names the broker; BROKER_USER / BROKER_PASSWORD if it requires login.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
classpath=target/consume.classpath
if [ ! -d target/classes/dev/pipeline/v1 ]; then
  echo "Compiling (for the generated pipeline.v1.Message)..." >&2
  mvn -B -q -Dstyle.color=never -DskipTests compile >&2
fi
if [ ! -s "$classpath" ] || [ pom.xml -nt "$classpath" ]; then
  echo "Listing the class path (the Artemis client of the Maven build)..." >&2
  mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$classpath" >&2
fi
exec java -cp "target/classes:$(cat "$classpath")" server-config/local-run/Consume.java "$@"
