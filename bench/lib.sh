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
# does. Each further argument is a "Name: value" header set on the proxied requests.
start_nginx_proxy() {
  local origin_port=$1 proxy_port=$2 headers="" h
  shift 2
  for h in "$@"; do headers+="      proxy_set_header ${h%%:*} \"${h#*: }\";"$'\n'; done
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
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
      proxy_set_header Host \$host;
      proxy_buffering off;
      proxy_request_buffering off;
$headers    }
  }
}
CONF
  nginx -c "$work/nginx.conf"
}
