#!/usr/bin/env bash
# Gateway proxy benchmark: tuneops gateway-service vs nginx as reverse proxies in front of the same
# origin, side by side on this machine. Reports the median of RUNS alternating runs and the ratio
# gateway/nginx for (1) small requests per second and p99 latency with wrk and (2) 1 GiB download
# throughput with curl. (Upload throughput is measured against a real S3 peer in the storage
# benchmark: an origin that reads and discards a body is not one nginx offers.)
#
#   bench/gateway-proxy/run.sh            (RUNS=5 DURATION=10s CONNECTIONS=50 by default)
#
# Needs: nginx, wrk, curl (Debian: apt-get install nginx-light wrk curl) and the packaged services
# (./mvnw package -DskipTests). Both proxies log every request, keep upstream connections alive and
# run with the same origin; the gateway runs with the flags of the local run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${RUNS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
work=$(mktemp -d /tmp/tuneops-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as another user
origin_port=18100; nginx_port=18101; gateway_port=18102
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in nginx wrk curl; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[ -f "$root/gateway-service/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)

# origin + the nginx reverse proxy, one nginx process (1 worker per proxy role would share cores anyway)
truncate -s 1G "$work/big.bin"
mkdir -p "$work/www" && mv "$work/big.bin" "$work/www/big.bin"
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/small.json"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$origin_port;
    root $work/www;
    location /api/cloud/jobs/ { alias $work/www/; }
  }
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
CONF
nginx -c "$work/nginx.conf"

# the gateway needs its PostgreSQL and Redis
java -cp "$root/local-servers/target/local-servers.jar:$root/local-servers/target/lib/*" \
  io.tuneops.local.LocalServersMain "$work/data" 0 0 "$work/servers.env" > "$work/servers.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do [ -f "$work/servers.env" ] && break; sleep 0.1; done
set -a; . "$work/servers.env"; set +a
TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_HTTP_PORT=$gateway_port TUNEOPS_UPSTREAM_WEBHOOK=http://127.0.0.1:$origin_port \
  java ${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -Xms16m -Xmx256m} -jar "$root/gateway-service/target/quarkus-app/quarkus-run.jar" \
  > "$work/gateway.log" 2>&1 &
pids+=($!)
gateway_pid=${pids[1]}
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$gateway_port/q/health/ready)" = 200 ] && break
  kill -0 "$gateway_pid" 2>/dev/null || { echo "the gateway did not start:" >&2; tail -5 "$work/gateway.log" >&2; exit 1; }
  sleep 0.1
done

small=/api/cloud/jobs/small.json
big=/api/cloud/jobs/big.bin
for port in $origin_port $gateway_port $nginx_port; do  # a benchmark of error pages measures nothing
  for path in $small $big; do
    code=$(curl -s -o /dev/null -r 0-0 -w '%{http_code}' "http://127.0.0.1:$port$path")
    case $code in 200|206) ;; *) echo "GET $path on port $port answered $code" >&2; exit 1;; esac
  done
done
for port in $gateway_port $nginx_port; do  # warm-up (JIT for the gateway)
  wrk -t2 -c$CONNECTIONS -d5s http://127.0.0.1:$port$small > /dev/null
  curl -s -o /dev/null http://127.0.0.1:$port$big
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
rps() { wrk -t2 -c$CONNECTIONS -d$DURATION "http://127.0.0.1:$1$small" | awk '/Requests\/sec/ {print $2}'; }
p99() { wrk -t2 -c$CONNECTIONS -d$DURATION --latency "http://127.0.0.1:$1$small" | awk '/ 99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}'; }
down() { curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$1$big" | awk '{printf "%.0f", $1/1048576}'; }

declare -A results
for run in $(seq 1 "$RUNS"); do
  for name in gateway nginx; do
    port=$([ $name = gateway ] && echo $gateway_port || echo $nginx_port)
    results[$name.rps]+="$(rps $port) "
    results[$name.p99]+="$(p99 $port) "
    results[$name.down]+="$(down $port) "
  done
  echo "run $run/$RUNS done" >&2
done

printf '\n%-34s %12s %12s %8s\n' "metric (median of $RUNS)" "gateway" "nginx" "ratio"
for m in rps p99 down; do
  g=$(echo ${results[gateway.$m]} | tr ' ' '\n' | median)
  n=$(echo ${results[nginx.$m]} | tr ' ' '\n' | median)
  label=$(case $m in rps) echo "1 KiB GET, req/s (c=$CONNECTIONS)";; p99) echo "1 KiB GET, p99 latency ms";; down) echo "1 GiB download, MiB/s";; esac)
  printf '%-34s %12s %12s %8.2f\n' "$label" "$g" "$n" "$(awk -v a="$g" -v b="$n" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done
echo "gateway RSS after the runs: $(( $(ps -o rss= -p "$gateway_pid") / 1024 )) MB"
