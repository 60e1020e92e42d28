#!/usr/bin/env bash
# Failover soak: FailoverIT with more cycles and load. Two gateways (Payara Micro as shipped) on a
# replicated Artemis pair (server-config/broker-primary.xml, broker-backup.xml) on this host; producers
# send singles and batches of 10 round-robin over the gateways, retrying each 503 with the same ids on
# the next gateway; the primary is killed with -9, the backup takes over, the primary is restarted and
# takes over again, CYCLES times. Prints requests, 200s, 503s, lost, duplicated, partly stored batches
# and the longest time without a 200 at each failover and failback; fails if anything acknowledged was
# lost or stored twice, or an answer was neither 200 nor 503.
# Usage: bench/failover.sh [CYCLES (default 2)] [200s per phase (default 1000)] [producers (default 8)]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-2}"
per_phase="${2:-1000}"
producers="${3:-8}"
source bench/servers.sh
run_it FailoverIT target/failover.log FAILOVER \
  "-Dfailover.cycles=$cycles -Dfailover.acknowledgedPerPhase=$per_phase -Dfailover.producers=$producers"
