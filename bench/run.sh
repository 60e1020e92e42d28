#!/usr/bin/env bash
# Benchmark (issue 5), in one run against one Apache Artemis distribution broker (server-config/broker.xml,
# topic orders with its durable subscription, drained) and the WAR built with -Pbench (it adds the HTTP floor
# endpoint) on Payara Micro as shipped (pre-boot commands, system.properties, -Xmx512m); 1 KB messages, 16 threads.
#
#   bench/run.sh [seconds per row (15)] [warm-up seconds (180)] [rounds (3)] [fixed-rate seconds (30)]
#       rows, each measured once per round: native JMS singles and transacted batches of 100 (plain text, and
#       the gateway's own messages: envelope, properties, duplicate id, TTL), HTTP floor, gateway JSON singles,
#       gateway JSON singles of a ~1 KB order validated against the topic's JSON Schema (issue 18),
#       protobuf singles, JSON batches of 100; medians, every round, ratios; then
#       latency p50/p99/p99.9 at half the gateway's median JSON-singles rate (open loop); startup to ready,
#       RSS and heap after GC of Payara.
#   bench/run.sh memory [minutes (5)]
#       gateway JSON singles for the minutes; every 30 s Payara's heap after GC and RSS, then the growth.
#
# Payara runs with what docker/Dockerfile adds (MALLOC_ARENA_MAX=2; -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 in
# JAVA_TOOL_OPTIONS); BENCH_PAYARA_ENV=KEY=value,...
# replaces that (BENCH_PAYARA_ENV= for none), e.g. BENCH_PAYARA_ENV=MALLOC_ARENA_MAX=2,JAVA_TOOL_OPTIONS=-Xss512k.
# BENCH_MAVEN_ARGS adds Maven options, e.g. -Ppayara6 for Payara Micro 6 (bench/runtimes.sh runs both lines).
# Output: the BENCH lines; all of Maven's in target/bench.log (target/bench-memory.log for memory).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == memory ]]; then
  test=MemoryBenchmark
  properties="-Dbench.minutes=${2:-5}"
  log=target/bench-memory.log
else
  test=ThroughputBenchmark
  properties="-Dbench.seconds=${1:-15} -Dbench.warmupSeconds=${2:-180} -Dbench.rounds=${3:-3} -Dbench.latencySeconds=${4:-30}"
  log=${BENCH_LOG:-target/bench.log}
fi
source bench/servers.sh
run_it "$test" "$log" BENCH "$properties${BENCH_PAYARA_ENV+ -Dbench.payaraEnvironment=$BENCH_PAYARA_ENV}" -Pbench ${BENCH_MAVEN_ARGS:-}
