#!/usr/bin/env bash
# The README's first run, as a newcomer types it: run.sh builds and starts the service with its
# embedded broker and prints a token and a curl; the curl sends a first message (200 and its id);
# consume.sh reads it back (the same id, the body). Run by .ci/run after `mvn verify`; it needs
# ports 8080 and 61616 free (run.sh's defaults, which the README uses). Stops run.sh by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
# The README's commands call `java`: the JDK of JAVA_HOME (21+, for Payara Micro 7) comes first.
if [ -n "${JAVA_HOME:-}" ]; then export PATH="$JAVA_HOME/bin:$PATH"; fi
log="$(mktemp /tmp/pipeline-first-run.XXXXXX)"
# A journal of its own (run.sh's default is pipeline-data/ in the repository), so that every run starts
# from empty subscriptions and an empty duplicate-id cache, as on a fresh clone.
export PIPELINE_BROKER_DATA_DIR="$(mktemp -d /tmp/pipeline-first-run-broker.XXXXXX)"

setsid server-config/local-run/run.sh > "$log" 2>&1 &
run_sh=$!
stop() { kill -- -"$run_sh" 2>/dev/null || true; wait "$run_sh" 2>/dev/null || true; rm -rf "$PIPELINE_BROKER_DATA_DIR"; }
trap stop EXIT

# run.sh prints the token once the service answers (it waits up to 180 s for that itself).
for _ in $(seq 1 600); do
  grep -q '^  TOKEN=' "$log" && break
  kill -0 "$run_sh" 2>/dev/null || { cat "$log"; echo "run.sh exited before printing a token" >&2; exit 1; }
  sleep 1
done
grep -q '^  TOKEN=' "$log" || { cat "$log"; echo "run.sh printed no token within 10 minutes" >&2; exit 1; }
TOKEN="$(sed -n 's/^  TOKEN=//p' "$log")"
grep -qF -e "-d '{\"messageType\":\"greeting\",\"message\":\"hello, pipeline\"}' http://localhost:8080/pipeline/topics/orders/messages" "$log" \
  || { cat "$log"; echo "run.sh no longer prints the README's curl" >&2; exit 1; }

# The README's commands, as it prints them.
answer="$(curl -i -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
     -d '{"messageType":"greeting","message":"hello, pipeline"}' \
     http://localhost:8080/pipeline/topics/orders/messages)"
echo "$answer"
grep -q '^HTTP/1.1 200' <<< "$answer" || { echo "the first message was not answered 200" >&2; exit 1; }
id="$(sed -n 's/.*"messageIds":\["\([^"]*\)"\].*/\1/p' <<< "$answer")"
[ -n "$id" ] || { echo "no message id in the answer" >&2; exit 1; }

read_back="$(server-config/local-run/consume.sh --max 1 --idle-seconds 60)"
echo "$read_back"
grep -qF "$id" <<< "$read_back" || { echo "consume.sh did not print message $id" >&2; exit 1; }
grep -qF 'hello, pipeline' <<< "$read_back" || { echo "consume.sh did not print the body" >&2; exit 1; }

# server-config/README.md's retry loop, as written there: a 200 the first time.
body='{"messageId":"order-42-created","message":"{\"orderId\":42}"}'
for attempt in 1 2 3 4 5; do
  status=$(curl -s -o /tmp/answer -D /tmp/headers -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
           -H 'Content-Type: application/json' -d "$body" http://localhost:8080/pipeline/topics/orders/messages)
  [ "$status" = 200 ] && { cat /tmp/answer; break; }
  [ "$status" != 503 ] && { echo "not retryable: $status $(cat /tmp/answer)"; break; }
  wait=$(awk 'tolower($1)=="retry-after:" {print $2+0}' /tmp/headers)
  sleep $(( ${wait:-1} * 2 ** (attempt - 1) ))
done
[ "$status" = 200 ] || { echo "the retry loop ended with $status" >&2; exit 1; }
grep -qF '"messageIds":["order-42-created"]' /tmp/answer || { echo "the retry loop's answer lacks its id" >&2; exit 1; }
# Read it too, so that the subscription is empty for the next run on this broker's journal.
server-config/local-run/consume.sh --max 1 --idle-seconds 60 | grep -qF 'messageId = order-42-created' \
  || { echo "consume.sh did not print order-42-created" >&2; exit 1; }

# Another producer's token, as the README shows (an IMS Gateway token of group clicks-writer).
clicks_token="$(server-config/local-run/mint-token.sh clicks-writer ORG1@AdobeOrg)"
code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $clicks_token" -H 'Content-Type: application/json' \
     -d '{"messageType":"click","message":"{}"}' http://localhost:8080/pipeline/topics/clicks/messages)"
[ "$code" = 200 ] || { echo "a clicks-writer IMS token was answered $code on clicks" >&2; exit 1; }
# examples/mdb-consumer/README.md, as written there: build the example, run it on a second Payara Micro
# against this local run, send its orders and ask what its message-driven bean processed.
mvn -f examples/mdb-consumer/pom.xml package -B -q
libs=examples/mdb-consumer/artemis-ra/target/server-libs
setsid java -jar target/payara-micro.jar --nocluster --nohazelcast --port 8081 \
  --addlibs $libs/slf4j-api.jar:$libs/slf4j-jdk14.jar \
  --deploy examples/mdb-consumer/artemis-ra/target/artemis-ra.rar \
  --deploy examples/mdb-consumer/consumer/target/mdb-consumer.war > "$log.consumer" 2>&1 &
consumer_payara=$!
stop_consumer() { kill -- -"$consumer_payara" 2>/dev/null || true; wait "$consumer_payara" 2>/dev/null || true; stop; }
trap stop_consumer EXIT
GATEWAY=http://localhost:8080
CONSUMER=http://localhost:8081
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$CONSUMER/mdb-consumer/orders/received")" = 200 ] && break
  kill -0 "$consumer_payara" 2>/dev/null || { cat "$log.consumer"; echo "the example's Payara exited" >&2; exit 1; }
  sleep 1
done

curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
     -d '{"messageType":"order.created","message":"an order"}' "$GATEWAY/pipeline/topics/orders/messages"
curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
     -d '{"messageType":"order.cancelled","message":"filtered out"}' "$GATEWAY/pipeline/topics/orders/messages"
curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
     -d '{"messageType":"order.created","message":"fails once","properties":{"example.failFirstDelivery":"true"}}' \
     "$GATEWAY/pipeline/topics/orders/messages"
echo
for _ in $(seq 1 120); do
  received="$(curl "$CONSUMER/mdb-consumer/orders/received")"
  grep -qF '"message":"fails once"' <<< "$received" && break
  sleep 1
done
echo "$received"
grep -qF '"deliveryCount":1,"message":"an order"' <<< "$received" || { echo "the bean did not process 'an order' once" >&2; exit 1; }
grep -qF '"deliveryCount":2,"message":"fails once"' <<< "$received" || { echo "the bean did not process 'fails once' on its redelivery" >&2; exit 1; }
! grep -qF 'filtered out' <<< "$received" || { echo "the selector let order.cancelled through" >&2; exit 1; }
echo "the example's bean processed what its README says"

echo "first run: sent $id, read it back; an IMS token of clicks-writer accepted"
