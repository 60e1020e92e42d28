#!/usr/bin/env bash
# Reliability soak: the WAR on Payara Micro, the Apache Artemis distribution (server-config/broker.xml)
# as its own process, producers sending singles and batches of 10 with unique messageIds while the
# broker is killed with -9 and restarted CYCLES times. Prints requests, 200s, 503s, lost, duplicated,
# partly stored batches and recovery seconds, and fails if anything acknowledged was lost.
# Usage: bench/soak.sh [CYCLES (default 5)] [200s between kills (default 2000)] [producers (default 8)]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-5}"
per_phase="${2:-2000}"
producers="${3:-8}"
source bench/servers.sh
run_it ReliabilitySoak target/soak.log SOAK \
  "-Dsoak.cycles=$cycles -Dsoak.acknowledgedPerPhase=$per_phase -Dsoak.producers=$producers" -Pbench
