# Sourced by the bench/ scripts that run a test class. The test harness closes the servers it starts; if its JVM
# dies first, stop_servers stops them, by the pids the harness recorded in $pids (it writes one a line
# when run with -Dpipeline.pidFile=$pids), and only while such a pid still runs something from this
# checkout's target/.
pids="$PWD/target/bench-servers.pids"
rm -f "$pids"
stop_servers() {
  [[ -f "$pids" ]] || return 0
  while read -r pid; do
    if ps -o args= -p "$pid" 2>/dev/null | grep -qF "$PWD/target/"; then
      kill "$pid" 2>/dev/null || true
    fi
  done < "$pids"
}
trap stop_servers EXIT

# run_it CLASS LOG PREFIX ARGLINE [MAVEN OPTION...]: the one integration test class CLASS through failsafe
# (no unit test), ARGLINE and the pid file in its JVM's argLine; Maven's whole output in LOG, and on the
# screen the lines that start with PREFIX and Maven's verdict.
run_it() {
  local class="$1" log="$2" prefix="$3" argline="$4"
  shift 4
  mkdir -p "$(dirname "$log")"
  mvn -B "$@" verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$class" \
    -Dfailsafe.failIfNoSpecifiedTests=false -DargLine="$argline -Dpipeline.pidFile=$pids" 2>&1 \
    | tee "$log" | grep -E "^$prefix|Tests run:|BUILD"
}
