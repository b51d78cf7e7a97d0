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

# Writes $work/nginx.conf and starts nginx as a reverse proxy on port $2 in front of 127.0.0.1:$1
# (keep-alive upstream, no buffering, one worker). With STATIC=1 nginx is the origin as well: it
# serves $work/www under /api/cloud/jobs/ on $1. ACCESS_LOG=1 logs every request, as the gateway
# does. NGINX_WORKERS sets the workers; NGINX_RELAY_BUFFER (e.g. 256k) the size of each read from
# the origin, and NGINX_HOST_PORT=1 forwards the Host header with its port (S3 signatures cover
# it). Each further argument is a "Name: value" header set on the proxied requests.
start_nginx_proxy() {
  local origin_port=$1 proxy_port=$2 headers="" h
  shift 2
  for h in "$@"; do headers+="      proxy_set_header ${h%%:*} \"${h#*: }\";"$'\n'; done
  cat > "$work/nginx.conf" <<CONF
worker_processes ${NGINX_WORKERS:-1};
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $([ -n "${ACCESS_LOG:-}" ] && echo "$work/nginx-access.log" || echo off);
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  client_max_body_size 0;
$([ -n "${STATIC:-}" ] && echo "  server { listen 127.0.0.1:$origin_port; location /api/cloud/jobs/ { alias $work/www/; } }")
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$$([ -n "${NGINX_HOST_PORT:-}" ] && echo http_host || echo host);
      proxy_buffering off;
      proxy_request_buffering off;
$([ -n "${NGINX_RELAY_BUFFER:-}" ] && printf '      proxy_buffer_size %s;\n      proxy_buffers 4 %s;\n      proxy_busy_buffers_size %s;\n' \
  "$NGINX_RELAY_BUFFER" "$NGINX_RELAY_BUFFER" "$NGINX_RELAY_BUFFER")
$headers    }
  }
}
CONF
  nginx -c "$work/nginx.conf"
}

# The secrets and headers the gateway benchmarks share: the gateway sets the identity headers on
# what it forwards; nginx, the bare proxies and direct requests send the same ones themselves.
BENCH_INTERNAL_SECRET=bench-internal-secret-0123456789
BENCH_ADMIN_TOKEN=bench-admin-token-0123456789abcdef
BENCH_IDENTITY=("X-Tuneops-Gateway-Secret: $BENCH_INTERNAL_SECRET" "X-Tuneops-Actor: bench" "X-Tuneops-Scopes: admin"
  "X-Tuneops-Client-IP: 127.0.0.1")
# JVMs as the Helm chart runs them: a 512 MiB memory limit with -XX:MaxRAMPercentage=75; there the
# one-CPU limit makes the JVM choose the serial collector, named here because this machine has two.
# (The local run's -Xmn24m young generation collects ten times a second under this load, and its
# pauses were a third of the gateway's p99.)
BENCH_JVM=${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError}
# The chart gives the gateway a 64 MB young generation (see its javaOpts) and one CPU, which the
# JVM sees as one processor: the gateway then runs one event loop, as nginx here runs one worker
# (-XX:ActiveProcessorCount=1 tells it so on this machine's two; GATEWAY_CPUS=2 shows the gateway
# with two loops). floor.sh's bare JVM proxies run with the same settings as the gateway.
BENCH_GATEWAY_JVM=${TUNEOPS_GATEWAY_JAVA_OPTS:-$BENCH_JVM -Xmn64m -XX:ActiveProcessorCount=${GATEWAY_CPUS:-1}}

# Full load (wrk, 2 threads) for $2 (e.g. 180s) in 10 s runs, then prints "warm-up $1: <requests/s of
# each run>" to stderr; the rest of the arguments are wrk's (headers, connections, URL). A JVM reaches
# its steady state slowly on this machine: the gateway's CPU per request was 82, 51, 60, 47 us in its
# first 20-80 s of load and 39-45 us from about 100 s on, while the JIT kept compiling (jstat
# -compiler); a flat tail in the printed rates is the sign of a finished warm-up.
warm_up() {
  local label=$1 seconds=${2%s} rates="" i
  shift 2
  for ((i = 0; i < seconds; i += 10)); do
    rates+=" $(wrk -t2 -d10s "$@" | awk '/Requests\/sec/ {printf "%.0f", $2}')"
  done
  echo "warm-up $label, requests/s per 10 s:$rates" >&2
}

# Waits until http://127.0.0.1:$1/q/health/ready answers 200 (60 s at most).
wait_ready() {
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/q/health/ready")" = 200 ] && return
    sleep 0.1
  done
  echo "nothing ready on port $1" >&2; exit 1
}

# Starts webhook-service on port $1 against the local servers (log: $work/webhook.log), submits one
# job and sets $job to its id: the origin the gateway benchmarks read (GET /api/cloud/jobs/$job).
start_webhook_origin() {
  TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_HTTP_PORT=$1 TUNEOPS_INTERNAL_SECRET=$BENCH_INTERNAL_SECRET \
  TUNEOPS_ENCRYPTION_KEY=bench-encryption-key-0123456789abcdef \
    java $BENCH_JVM -jar "$root/webhook-service/target/quarkus-app/quarkus-run.jar" > "$work/webhook.log" 2>&1 &
  pids+=($!)
  wait_ready "$1"
  job=$(curl -sf -X POST "http://127.0.0.1:$1/api/cloud/jobs/submit?provider=generic" "${BENCH_IDENTITY[@]/#/-H}" \
    -H 'Content-Type: application/json' -d '{"name": "bench"}' | sed -E 's/.*"job_id":"([^"]+)".*/\1/')
}

# Starts gateway-service on port $1 with RATE_LIMIT_CALLS=$2 per 1 s window (0: rate limiting
# off) in front of 127.0.0.1:$3 for the webhook-service routes (log: $work/$4.log) and sets
# $gateway_pid. Any further arguments go to the JVM.
start_gateway() {
  local port=$1 calls=$2 origin=$3 label=$4
  shift 4
  TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_HTTP_PORT=$port TUNEOPS_UPSTREAM_WEBHOOK=http://127.0.0.1:$origin \
  TUNEOPS_ADMIN_TOKEN=$BENCH_ADMIN_TOKEN TUNEOPS_API_KEY_SECRET=bench-api-key-secret-0123456789abcdef \
  TUNEOPS_INTERNAL_SECRET=$BENCH_INTERNAL_SECRET RATE_LIMIT_CALLS=$calls RATE_LIMIT_PERIOD=1 \
    java $BENCH_GATEWAY_JVM "$@" -jar "$root/gateway-service/target/quarkus-app/quarkus-run.jar" > "$work/$label.log" 2>&1 &
  gateway_pid=$!
  pids+=($gateway_pid)
}

# For the scripts that compare both origins: unless ORIGIN names one, runs the calling script ($1)
# once with ORIGIN=service and once with ORIGIN=static, then exits.
each_origin() {
  if [ -z "${ORIGIN:-}" ]; then
    ORIGIN=service "$1"; echo; ORIGIN=static "$1"; exit
  fi
  echo "== origin: $ORIGIN" >&2
}
