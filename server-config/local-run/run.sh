#!/usr/bin/env bash
# LOCAL RUN ONLY: builds the WAR and runs it on Payara Micro with the embedded Artemis broker,
# then prints a token and a curl that sends a first message. Ctrl-C stops it.
# PORT (default 8080) sets the HTTP port, BROKER_PORT (default 61616) the embedded broker's
# (tcp://localhost:BROKER_PORT), for when another program holds 61616.
# Payara Micro 7 needs Java 21 or newer: the JDK of JAVA_HOME, else the java on the PATH (Maven's build
# stops with a message saying so if it is older).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
port="${PORT:-8080}"
broker_port="${BROKER_PORT:-61616}"

echo "Building target/pipeline.war (tests skipped; run 'mvn verify' for them)..."
mvn -B -q -DskipTests package

# The WAR trusts no key and serves no topic unless told: pass the local-run ones explicitly, as
# environment variables (MicroProfile Config), the way server-config/README.md configures production.
local_run="$repo/server-config/local-run"
export MP_JWT_VERIFY_PUBLICKEY_LOCATION="file://$local_run/publicKey.pem"
export MP_JWT_VERIFY_ISSUER=https://pipeline.local/local-run
export PIPELINE_TOPICS_FILE="$local_run/topics.json"
export PIPELINE_BROKER_EMBEDDED_ACCEPTOR="tcp://localhost:$broker_port"
export JAVA_OPTS=-Xmx512m
server-config/payara-micro.sh target/payara-micro.jar target/pipeline.war --port "$port" > target/payara-local.log 2>&1 &
payara=$!
trap 'kill "$payara" 2>/dev/null; wait "$payara" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
echo "Payara Micro started (pid $payara, log target/payara-local.log); waiting for the service..."

url="http://localhost:$port/pipeline/topics/orders/messages"
for _ in $(seq 1 180); do
  kill -0 "$payara" 2>/dev/null || { echo "Payara Micro exited; see target/payara-local.log" >&2; exit 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url")" = 401 ] && break
  sleep 1
done

token="$(server-config/local-run/mint-token.sh orders-writer)"
cat <<MSG

Pipeline is up on port $port, with its embedded broker on tcp://localhost:$broker_port.

A token for local use (group orders-writer, valid 1 h; other groups / an imsOrg:
server-config/local-run/mint-token.sh GROUPS [IMS_ORG]):

  TOKEN=$token

Send a first message:

  curl -i -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
       -d '{"messageType":"greeting","message":"hello, pipeline"}' $url

Read it back (its JMS properties and body; in another terminal):

  ${BROKER_PORT:+BROKER_PORT=$broker_port }server-config/local-run/consume.sh --max 1

JMS consumers of your own: examples/mdb-consumer/README.md.
Ctrl-C stops the service.
MSG
wait "$payara" || true
