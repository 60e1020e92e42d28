#!/usr/bin/env bash
# Start-up determinism: ParallelStartIT with more instances and rounds. Each round starts INSTANCES
# gateways (Payara Micro as shipped: pre-boot commands, system.properties) side by side while SPINNERS
# threads keep the CPU busy, and counts those that serve (deployed, and the HTTP listener answers).
# Prints the count, the seconds each took, how many "Network Listener ... started" lines each logged
# and how many logged "GrizzlyProxy is NULL"; a start that never serves leaves a thread dump beside
# its log under target/it/parallel-start-<round>-<n>/.
# Usage: bench/starts.sh [ROUNDS (default 5)] [INSTANCES (default 4)] [SPINNERS (default 2)] [pre|post]
# The last argument gives server-config/pre-boot-commands.asadmin as --prebootcommandfile (pre, as
# shipped) or as --postbootcommandfile (post, as shipped before), to compare the two.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
instances="${2:-4}"
spinners="${3:-2}"
boot="${4:-pre}"
source bench/servers.sh
run_it ParallelStartIT "target/starts-$boot.log" STARTS \
  "-Dstarts.rounds=$rounds -Dstarts.instances=$instances -Dstarts.spinners=$spinners -Dpipeline.bootCommands=$boot"
