#!/usr/bin/env bash
# Throughput benchmark (issue 5): against one Apache Artemis distribution broker (server-config/broker.xml,
# topic orders with its durable subscription), a native JMS producer (singles and transacted batches
# of 100) and the WAR on Payara Micro (JSON singles and batches of 100), 1 KB messages, 16 threads;
# prints messages/s, p50/p99, failed requests, the gateway/native ratios, Payara's RSS and the machine.
# Usage: bench/run.sh [seconds per row (default 20)] [warm-up seconds (default 60)]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
warmup="${2:-60}"
mkdir -p target
trap 'pkill -f "$PWD/target/payara-micro.jar" 2>/dev/null || true' EXIT
mvn -B verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ThroughputBenchmark \
  -Dfailsafe.failIfNoSpecifiedTests=false \
  -DargLine="-Dbench.seconds=$seconds -Dbench.warmupSeconds=$warmup" \
  | tee target/bench.log | grep -E '^BENCH|Tests run:|BUILD'
