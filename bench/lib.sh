# Shared by the benchmark scripts (sourced, not run).

# Starts throw-away embedded PostgreSQL and Redis under $work/data, appends the launcher's pid to
# the caller's pids array and exports TUNEOPS_DB_URL, TUNEOPS_REDIS_URL, ... once both are up.
start_local_servers() {
  java -cp "$root/local-servers/target/local-servers.jar:$root/local-servers/target/lib/*" \
    io.tuneops.local.LocalServersMain "$work/data" 0 0 "$work/servers.env" > "$work/servers.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do [ -f "$work/servers.env" ] && break; sleep 0.1; done
  [ -f "$work/servers.env" ] || { echo "PostgreSQL/Redis did not start:" >&2; tail -5 "$work/servers.log" >&2; exit 1; }
  set -a; . "$work/servers.env"; set +a
}

# Median of the numbers on stdin, one per line; blank lines (a trailing separator) are not values.
median() { awk 'NF {print $1}' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# Stops every process the script started (the caller's pids array) and waits until each is gone.
stop_started() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
}
