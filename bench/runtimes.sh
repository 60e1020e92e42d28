#!/usr/bin/env bash
# Issue 20: bench/run.sh on Payara Micro 7 (the default, a JDK 21+), then on Payara Micro 6 (-Ppayara6,
# Java 17), one after the other in one go with the same arguments; the BENCH lines of each prefixed
# "BENCH 7:" and "BENCH 6:" (start-up, RSS, every row's median) for RESULTS.md's ratios.
#
#   bench/runtimes.sh [bench/run.sh arguments]      e.g. bench/runtimes.sh 10 60 1 10 (a short run)
#
# PAYARA7_JAVA_HOME (default JAVA_HOME) and PAYARA6_JAVA_HOME (default /usr/lib/jvm/java-17-openjdk-amd64)
# name the JDKs. Logs: target/bench-payara7.log, target/bench-payara6.log.
set -euo pipefail
cd "$(dirname "$0")/.."
payara7_java_home="${PAYARA7_JAVA_HOME:-${JAVA_HOME:?set JAVA_HOME or PAYARA7_JAVA_HOME to a JDK 21 or newer}}"
payara6_java_home="${PAYARA6_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
echo "BENCH runtimes: Payara Micro 7 on $payara7_java_home, Payara Micro 6 on $payara6_java_home"
JAVA_HOME="$payara7_java_home" BENCH_LOG=target/bench-payara7.log bench/run.sh "$@" | sed 's/^BENCH/BENCH 7:/'
JAVA_HOME="$payara6_java_home" BENCH_LOG=target/bench-payara6.log BENCH_MAVEN_ARGS=-Ppayara6 bench/run.sh "$@" | sed 's/^BENCH/BENCH 6:/'
