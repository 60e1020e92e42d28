# Sourced by bench/run.sh and bench/soak.sh. The test harness closes the servers it starts; if its JVM
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
