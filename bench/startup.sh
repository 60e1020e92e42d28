#!/usr/bin/env bash
# Start to ready, with and without class-data sharing (issue 9). Builds target/pipeline.war, makes
# target/cds/ once (server-config/cds.sh), then starts the WAR ROUNDS times each way, alternating so
# that the machine's load hits both alike:
#   plain     java -jar target/payara-micro.jar ...            (the README's command)
#   launcher  java -jar target/cds/root/launch-micro.jar ...   (the runtime unpacked once, no archive)
#   cds       the launcher with -XX:SharedArchiveFile=target/cds/pipeline.jsa
# Each start: Payara Micro with the shipped pre-boot, post-deploy and system.properties files, the
# local-run key and catalogue and the embedded broker (fresh journal), timed from launch until
# /health/ready answers 200 and a produce request without a token answers 401 (the WAR serves).
# Prints one STARTUP line a start and the medians, with the load average before and after.
#   bench/startup.sh [ROUNDS (default 3)] [HTTP port (default 26080)] [broker port (default 26616)]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
port="${2:-26080}"
broker_port="${3:-26616}"
repo="$PWD"
local_run="$repo/server-config/local-run"
work="$repo/target/startup"

mvn -B -q -DskipTests package
server-config/cds.sh target/payara-micro.jar target/pipeline.war target/cds
rm -rf "$work"
mkdir -p "$work"

payara=""
trap '[[ -n "$payara" ]] && kill "$payara" 2>/dev/null; true' EXIT

start() { # start VARIANT N: prints seconds to ready
  local variant="$1" n="$2" jar java_options=()
  case "$variant" in
    plain) jar="$repo/target/payara-micro.jar" ;;
    launcher) jar="$repo/target/cds/root/launch-micro.jar"; server-config/cds.sh --reset target/cds ;;
    cds) jar="$repo/target/cds/root/launch-micro.jar"; server-config/cds.sh --reset target/cds
         java_options=(-XX:SharedArchiveFile="$repo/target/cds/pipeline.jsa") ;;
  esac
  local log="$work/$variant-$n.log"
  local launched
  launched=$(date +%s%N)
  "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx512m "${java_options[@]}" \
    -Dmp.jwt.verify.publickey.location="file://$local_run/publicKey.pem" \
    -Dmp.jwt.verify.issuer=https://pipeline.local/local-run \
    -Dpipeline.topics.file="$local_run/topics.json" \
    -Dpipeline.broker.data-dir="$work/broker-$variant-$n" \
    -Dpipeline.broker.embedded-acceptor="tcp://localhost:$broker_port" \
    -jar "$jar" --nocluster --nohazelcast --port "$port" \
    --prebootcommandfile server-config/pre-boot-commands.asadmin \
    --postdeploycommandfile server-config/post-deploy-commands.asadmin \
    --systemproperties server-config/system.properties \
    --deploy target/pipeline.war > "$log" 2>&1 &
  payara=$!
  local deadline=$(( $(date +%s) + 180 ))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/health/ready")" == 200 \
        && "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://localhost:$port/pipeline/topics/orders/messages")" == 401 ]]; do
    if ! kill -0 "$payara" 2>/dev/null || (( $(date +%s) > deadline )); then
      echo "STARTUP $variant $n: not ready (log $log)" >&2
      kill "$payara" 2>/dev/null || true
      wait "$payara" 2>/dev/null || true
      payara=""
      return 1
    fi
    sleep 0.05
  done
  local ready
  ready=$(date +%s%N)
  kill "$payara"
  wait "$payara" 2>/dev/null || true
  payara=""
  local shared=""
  grep -q "Shared archive\|shared archive\|SharedArchiveFile" "$log" && shared=" (the JVM complained about the archive: see $log)"
  awk -v a="$launched" -v b="$ready" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
  echo "$shared" > "$work/$variant-$n.note"
}

echo "STARTUP load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
declare -A times
for n in $(seq 1 "$rounds"); do
  for variant in plain launcher cds; do
    seconds=$(start "$variant" "$n")
    times[$variant]+="$seconds "
    echo "STARTUP round $n $variant: $seconds s to ready$(cat "$work/$variant-$n.note")"
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for variant in plain launcher cds; do
  echo "STARTUP median $variant: $(echo "${times[$variant]}" | median) s (rounds: ${times[$variant]% })"
done
echo "STARTUP load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
