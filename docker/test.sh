#!/usr/bin/env bash
# The container test (.ci/run's container stage): builds the three images with Podman and runs both
# compose stacks the way docker/README.md tells users to, then checks what a user relies on.
#
#   docker/test.sh        # as root, with podman, podman-compose, runc, debootstrap, java, curl, openssl
#
# compose.yaml: both services healthy; a message produced through the published port answered 200
# and read by a JMS consumer on the host, body included; `down` keeping the broker's volume, `up`
# again, and then a message stored before the restart still there, once, although it was sent again,
# and a message consumed before the restart not stored again when sent again (the duplicate ids
# survived in the journal).
# The first message as docker/README.md shows it (curl, then ReadMessages.java), and every probe path of
# docker/kubernetes.yaml answering 200 on the running gateway.
# compose.scale.yaml: two gateways behind HAProxy on the replicated broker pair; a producer sending
# with retries while the primary broker's container is killed (SIGKILL); every message answered 200
# read back from the backup exactly once, and nothing else.
#
# It needs the Maven build's target/pipeline.war, target/payara-micro.jar and
# target/artemis/apache-artemis-*/ (after `mvn verify`, or the mvn line below, which it runs if one
# is missing). The commands docker/README.md shows are written out here as it shows them, so that
# each one it names is one this script runs. Every container, network and volume it makes is removed at the end, whatever
# happens; the images it builds stay (rebuilt from the layer cache on the next run), the base image
# too. Exits non-zero on the first failed check, after printing the containers' logs.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d /tmp/pipeline-containers.XXXXXX)"
log="$work/commands.log"

# Settings for this machine, not for the files users run: the runc runtime (crun refuses the hybrid
# cgroup layout of our CI machines) and open-file/process limits that an unprivileged engine may set
# (Podman's default is to raise them to the host's limits, which is refused without CAP_SYS_RESOURCE).
cat > "$work/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$work/containers.conf"

# The stacks' published ports: four distinct free ones on this machine (the compose files default to
# 8080, 61616, 61617, 8161, which a developer's run.sh may hold).
read -r PIPELINE_PORT ARTEMIS_PORT ARTEMIS_BACKUP_PORT ARTEMIS_CONSOLE_PORT < <(python3 -c '
import socket
held = [socket.socket() for _ in range(4)]
for s in held: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in held))')
export PIPELINE_PORT ARTEMIS_PORT ARTEMIS_BACKUP_PORT ARTEMIS_CONSOLE_PORT
export ARTEMIS_USER=artemis ARTEMIS_PASSWORD="test-$RANDOM$RANDOM" PAIR_CLUSTER_PASSWORD="pair-$RANDOM$RANDOM"

producer=""

say() { printf '[containers %s] %s\n' "$(date +%T)" "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }
run() { echo "+ $*" >> "$log"; "$@" >> "$log" 2>&1 || fail "$* (see the command log above)"; }

cleanup() {
  local rc=$?
  set +e
  [ -n "$producer" ] && kill "$producer" 2>/dev/null && wait "$producer" 2>/dev/null
  if (( rc != 0 )); then
    echo "---- commands (last 60 lines)"; tail -n 60 "$log"
    for c in $(podman ps -a --format '{{.Names}}' --filter label=io.podman.compose.project=pipeline;
               podman ps -a --format '{{.Names}}' --filter label=io.podman.compose.project=pipeline-scale); do
      echo "---- $c (last 40 log lines)"; podman logs --tail 40 "$c" 2>&1
    done
  fi
  for project in pipeline pipeline-scale; do
    podman ps -aq --filter label=io.podman.compose.project=$project | xargs -r podman rm -f -t 5 > /dev/null 2>&1
    podman volume ls -q --filter label=io.podman.compose.project=$project | xargs -r podman volume rm -f > /dev/null 2>&1
    podman network exists ${project}_default && podman network rm -f ${project}_default > /dev/null 2>&1
  done
  # Dangling images this run's builds left (a rebuilt tag's old image, a failed build's steps).
  comm -13 "$work/dangling-before" <(podman images -q --filter dangling=true | sort) | xargs -r podman rmi -f > /dev/null 2>&1
  rm -rf "$work"
  exit $rc
}
podman images -q --filter dangling=true | sort > "$work/dangling-before"
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (polling once a second, at most $2 seconds) until the command after them succeeds.
await() {
  local what=$1 limit=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" > /dev/null 2>&1; do
    (( SECONDS < deadline )) || fail "$what: not within ${limit} s"
    sleep 1
  done
}
running() { [ "$(podman inspect -f '{{.State.Running}}' "$1")" = true ]; }
# podman-compose 1.0.3 exits 0 even when a container failed to start: check each one.
all_running() { for c in "$@"; do running "$c" || fail "container $c is not running"; done; }

# POST one JSON message; prints the HTTP status (000: no answer).
produce() { # token id text
  curl -s -o "$work/answer" -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $1" \
       -H 'Content-Type: application/json' \
       -d "{\"messageId\":\"$2\",\"messageType\":\"container-test\",\"message\":\"$3\"}" \
       "http://127.0.0.1:$PIPELINE_PORT/pipeline/topics/orders/messages" || true
}
expect_200() { # token id text
  local status; status=$(produce "$@")
  [ "$status" = 200 ] || fail "produce $2: HTTP $status $(cat "$work/answer" 2>/dev/null)"
  grep -q "\"messageIds\":\[\"$2\"\]" "$work/answer" || fail "produce $2: answer $(cat "$work/answer")"
}
# Consumes the subscription orders-audit through the broker's published port: messageId<TAB>body lines.
consume() { # port
  java -cp "$ARTEMIS_HOME/lib/*" docker/ReadMessages.java "tcp://127.0.0.1:$1" "$ARTEMIS_USER" "$ARTEMIS_PASSWORD" \
       orders::orders-audit
}

started=$SECONDS
say "checking the Maven build's output"
artemis_dists=(target/artemis/apache-artemis-*/)
if [ ! -f target/pipeline.war ] || [ ! -f target/payara-micro.jar ] || [ ! -d "${artemis_dists[0]}" ]; then
  run mvn -B -DskipTests package dependency:unpack@unpack-artemis-distribution
  artemis_dists=(target/artemis/apache-artemis-*/)
fi
(( ${#artemis_dists[@]} == 1 )) || fail "one Artemis distribution expected in target/artemis, found: ${artemis_dists[*]} (mvn clean)"
ARTEMIS_HOME="${artemis_dists[0]%/}"   # relative to the repository root, as docker/README.md has it

say "base image debian:trixie-slim"
run docker/debian-base.sh trixie
say "building pipeline-gateway, pipeline-broker, pipeline-haproxy"
# --format docker: the OCI image format has no HEALTHCHECK.
run podman build --format docker --force-rm -f docker/Dockerfile -t pipeline-gateway:local .
run podman build --format docker --force-rm -f docker/broker.Dockerfile -t pipeline-broker:local .
run podman build --format docker --force-rm -f docker/haproxy.Dockerfile -t pipeline-haproxy:local .
say "images built ($((SECONDS - started)) s so far)"

# ---- compose.yaml: one gateway, one broker
run podman-compose -p pipeline -f docker/compose.yaml up -d
all_running pipeline-artemis pipeline-gateway
# The compose files' health checks, run on request: without systemd Podman schedules none itself.
await "broker healthy" 120 podman healthcheck run pipeline-artemis
await "gateway healthy" 240 podman healthcheck run pipeline-gateway
say "compose.yaml: both services healthy"

# The probes of docker/kubernetes.yaml: each path it names answers 200 on the started gateway.
probe_paths=$(sed -n 's|^ *path: \(/health/[a-z]*\) *$|\1|p' docker/kubernetes.yaml | sort -u)
[ "$(echo $probe_paths)" = "/health/live /health/ready /health/started" ] \
  || fail "docker/kubernetes.yaml: probe paths $(echo $probe_paths), expected /health/live, /health/ready, /health/started"
for path in $probe_paths; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PIPELINE_PORT$path")
  [ "$status" = 200 ] || fail "probe path $path of docker/kubernetes.yaml: HTTP $status"
done
say "compose.yaml: the probe paths of docker/kubernetes.yaml answer 200 ($(echo $probe_paths))"

# The first message, as docker/README.md shows it.
TOKEN=$(server-config/local-run/mint-token.sh orders-writer)
curl -i -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
     -d '{"messageType":"greeting","message":"hello, pipeline"}' \
     http://localhost:$PIPELINE_PORT/pipeline/topics/orders/messages > "$work/hello" 2>> "$log" \
  || fail "the README's first message: curl failed"
grep -q '^HTTP/1.1 200' "$work/hello" && grep -q '"messageIds":\["' "$work/hello" \
  || fail "the README's first message: $(cat "$work/hello")"
java -cp "$ARTEMIS_HOME/lib/*" docker/ReadMessages.java tcp://127.0.0.1:$ARTEMIS_PORT "$ARTEMIS_USER" "$ARTEMIS_PASSWORD" orders::orders-audit > "$work/hello-read" 2>> "$log" \
  || fail "the README's ReadMessages command failed"
[ "$(wc -l < "$work/hello-read")" = 1 ] && grep -q '"message":"hello, pipeline"' "$work/hello-read" \
  || fail "the README's first message, read: $(cat "$work/hello-read")"
say "compose.yaml: the README's first message answered 200 and read back"

token=$TOKEN
run_id="run$RANDOM$RANDOM"
expect_200 "$token" "$run_id-consumed" "read before the restart"
consume "$ARTEMIS_PORT" > "$work/first-read"
printf '%s\n' "$run_id-consumed" > "$work/expected"
cut -f1 "$work/first-read" | diff "$work/expected" - > /dev/null || fail "first read: $(cat "$work/first-read")"
grep -q '"message":"read before the restart"' "$work/first-read" || fail "first read's body: $(cat "$work/first-read")"
say "compose.yaml: produced through port $PIPELINE_PORT, 200, read back by a JMS consumer on the host"

expect_200 "$token" "$run_id-stored" "stored across the restart"
run podman-compose -p pipeline -f docker/compose.yaml down
podman volume exists pipeline_artemis-instance || fail "down removed the broker's volume"
run podman-compose -p pipeline -f docker/compose.yaml up -d
all_running pipeline-artemis pipeline-gateway
await "broker healthy after up" 120 podman healthcheck run pipeline-artemis
await "gateway healthy after up" 240 podman healthcheck run pipeline-gateway
# Both sent again, same ids: both answered 200; the broker's duplicate ids, kept in its journal on the
# volume, drop both (the consumed one too).
expect_200 "$token" "$run_id-stored" "stored across the restart"
expect_200 "$token" "$run_id-consumed" "read before the restart"
consume "$ARTEMIS_PORT" > "$work/second-read"
printf '%s\n' "$run_id-stored" > "$work/expected"
cut -f1 "$work/second-read" | diff "$work/expected" - > /dev/null \
  || fail "after down/up and the same ids sent again, expected only $run_id-stored, once; read: $(cat "$work/second-read")"
grep -q '"message":"stored across the restart"' "$work/second-read" || fail "second read's body: $(cat "$work/second-read")"
say "compose.yaml: down and up with the volume kept: the stored message read once, both resent ids dropped"
run podman-compose -p pipeline -f docker/compose.yaml down -v
podman volume exists pipeline_artemis-instance && fail "down -v left the broker's volume"
run podman network rm -f pipeline_default
say "compose.yaml done ($((SECONDS - started)) s so far)"

# ---- compose.scale.yaml: two gateways behind HAProxy, the replicated pair
run podman-compose -p pipeline-scale -f docker/compose.scale.yaml up -d
all_running pipeline-scale-artemis-primary pipeline-scale-artemis-backup \
  pipeline-scale-gateway-a pipeline-scale-gateway-b pipeline-scale-load-balancer
await "primary healthy" 120 podman healthcheck run pipeline-scale-artemis-primary
# grep without -q reads all of it: no SIGPIPE to podman logs.
await "backup synchronised (AMQ221024)" 120 sh -c 'podman logs pipeline-scale-artemis-backup 2>&1 | grep AMQ221024'
await "gateway-a healthy" 300 podman healthcheck run pipeline-scale-gateway-a
await "gateway-b healthy" 300 podman healthcheck run pipeline-scale-gateway-b
api_answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PIPELINE_PORT/pipeline/topics/orders/messages")" = 401 ]; }
await "HAProxy serving" 60 api_answers
say "compose.scale.yaml: primary active, backup synchronised, both gateways healthy behind HAProxy"
# The management endpoints stay behind the load balancer's rule: only /pipeline/ goes through.
for path in /health/ready /health/live /metrics /openapi; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PIPELINE_PORT$path")
  [ "$code" = 403 ] || fail "HAProxy let $path through to a gateway (answered $code, not 403)"
done
say "compose.scale.yaml: /health, /metrics and /openapi refused (403) through HAProxy"

# The producer: messages one after another, each sent again with its id until answered 200
# (at most 90 s each); every status seen is logged.
messages=500
produce_all() {
  local i status deadline
  for i in $(seq 1 $messages); do
    deadline=$((SECONDS + 90))
    while status=$(produce "$token" "$run_id-scale-$i" "message $i"); echo "$i $status" >> "$work/statuses"; [ "$status" != 200 ]; do
      (( SECONDS < deadline )) || { echo "message $i: no 200 within 90 s" >> "$work/statuses"; return 1; }
      sleep 0.2
    done
    echo "$run_id-scale-$i" >> "$work/acknowledged"
  done
}
token=$(server-config/local-run/mint-token.sh orders-writer)
: > "$work/acknowledged"
produce_all & producer=$!
acknowledged_at_least() { (( $(wc -l < "$work/acknowledged") >= $1 )); }
await "100 messages acknowledged" 120 acknowledged_at_least 100
acked_at_kill=$(wc -l < "$work/acknowledged")
run podman kill --signal KILL pipeline-scale-artemis-primary
say "compose.scale.yaml: primary killed after $acked_at_kill of $messages messages acknowledged"
wait "$producer" || { producer=""; fail "producer: $(tail -n 3 "$work/statuses")"; }
producer=""
(( acked_at_kill < messages )) || fail "the producer finished before the kill"
podman logs pipeline-scale-artemis-backup 2>&1 | grep AMQ221007 > /dev/null || fail "the backup did not become active (no AMQ221007)"
retries=$(awk '$2 != 200' "$work/statuses" | wc -l)
unexpected=$(awk '$2 != 200 && $2 != 503 && $2 != 000 && $2 != 502' "$work/statuses" | sort -u -k2,2)
[ -z "$unexpected" ] || fail "statuses other than 200, 503, 502 or no answer: $unexpected"

consume "$ARTEMIS_BACKUP_PORT" > "$work/scale-read"
cut -f1 "$work/scale-read" | sort > "$work/read-ids"
sort "$work/acknowledged" > "$work/expected"
doubles=$(uniq -d "$work/read-ids")
[ -z "$doubles" ] || fail "stored twice: $doubles"
diff "$work/expected" "$work/read-ids" > "$work/difference" \
  || fail "acknowledged and read differ (< lost, > not acknowledged): $(head -n 20 "$work/difference")"
say "compose.scale.yaml: all $messages acknowledged messages read back from the backup once each" \
    "($retries answers other than 200 during the failover: $(awk '$2 != 200 {print $2}' "$work/statuses" | sort | uniq -c | tr -s ' \n' ' '))"
run podman-compose -p pipeline-scale -f docker/compose.scale.yaml down -v
run podman network rm -f pipeline-scale_default
say "container test passed in $((SECONDS - started)) s"
