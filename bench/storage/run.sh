#!/usr/bin/env bash
# S3 endpoint benchmark, one command: storage-service directly, storage-service through the
# gateway, the peer s3proxy 4.1.0 (filesystem backend), and storage-service through nginx (the
# gateway's peer: a relay hop with nothing else to do) on the same machine in the same run, plus
# raw `dd` (conv=fdatasync) as the physical write limit. Per run and target, in turn:
#   - 1 GiB single PUT and GET: curl --aws-sigv4 with x-amz-content-sha256: UNSIGNED-PAYLOAD
#   - 1 GiB multipart upload: aws-cli with its defaults (8 MB parts, 10 concurrent requests)
#   - small objects: COUNT x SIZE PutObjects from THREADS boto3 threads (ops/s)
#   - bulk delete: DELETE_KEYS (1,000) objects of 100 B deleted in one DeleteObjects (keys/s)
# and storage-service's heap (sum of jvm_memory_used_bytes{area="heap"}, /q/metrics, every 100 ms)
# and RSS peaks during its 1 GiB uploads. Prints medians of RUNS runs, ratios to s3proxy, and the
# gateway's ratios to direct and to nginx.
#
#   flock /tmp/tuneops-build.lock bench/storage/run.sh   (RUNS=3 SIZE_MIB=1024 COUNT=500 SMALL=4096 THREADS=4 WARM_SMALL=15000)
#
# MULTIPART_ONLY=1 measures only the aws-cli multipart upload, directly and through the gateway,
# with storage-service's heap and RSS: the issue's 10 GiB case (a single PUT stops at 5 GiB), e.g.
#   MULTIPART_ONLY=1 SIZE_MIB=10240 RUNS=1 flock /tmp/tuneops-build.lock bench/storage/run.sh
# It needs about 3x SIZE_MIB free under /tmp (the file, the parts, the assembled object).
# PUT_ONLY=1 measures only the single PUT, directly and through the gateway in turn, RUNS times
# (to compare two builds' relayed PUT without the rest of the run).
#
# BENCH_DIR (default /tmp) holds the test file and every server's objects. BENCH_DIR=/dev/shm runs
# the same comparison in memory (tmpfs): the disk is then out of the picture and the ratios compare
# the servers' own work (fsync is free there, so it flatters whoever skips it least).
#
# Needs curl >= 7.75, python3 with boto3, aws-cli, java, nginx, mvn (fetches s3proxy once) and the
# packaged services (./mvnw package -DskipTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/bench/lib.sh"
RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
COUNT=${COUNT:-500}
SMALL=${SMALL:-4096}
THREADS=${THREADS:-4}
work=$(mktemp -d "${BENCH_DIR:-/tmp}/tuneops-storage-bench.XXXXXX")
gateway_port=18600; storage_port=18601; s3proxy_port=18602; nginx_port=18603
pids=()
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT
for tool in curl java python3 aws mvn dd nginx; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
python3 -c 'import boto3' || { echo "missing boto3" >&2; exit 1; }
for s in gateway-service storage-service; do
  [ -f "$root/$s/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && ./mvnw -q -B package -DskipTests)
done
s3proxy_jar=${S3PROXY_JAR:-$HOME/.m2/repository/org/gaul/s3proxy/4.1.0/s3proxy-4.1.0-jar-with-dependencies.jar}
[ -f "$s3proxy_jar" ] || mvn -q dependency:get -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies -Dtransitive=false

start_local_servers
redis_port=$(echo "$TUNEOPS_REDIS_URL" | sed -E 's#.*:([0-9]+)(/.*)?$#\1#')
ak=TUNEBENCHSTORAGE0001; sk=bench-secret-access-key-0123456789abcdef; job=bench-job
python3 "$root/bench/storage/s3bench.py" cred "$redis_port" "$ak" "$sk" "$job" 86400

jvm=${TUNEOPS_JAVA_OPTS:--XX:+UseSerialGC -Xms48m -Xmn24m -Xmx256m}
common=(TUNEOPS_SHUTDOWN_DELAY=1s TUNEOPS_INTERNAL_SECRET=bench-internal-secret-0123456789)
mkdir -p "$work/outputs" "$work/s3proxy"
env "${common[@]}" TUNEOPS_HTTP_PORT=$storage_port TUNEOPS_STORAGE_OUTPUT_PATH="$work/outputs" \
  java $jvm -jar "$root/storage-service/target/quarkus-app/quarkus-run.jar" > "$work/storage.log" 2>&1 &
storage_pid=$!; pids+=($storage_pid)
# rate limiting stays on (one Redis decision per request); the per-credential limit (100/s by
# default) is lifted so that the small-object figure measures the proxy, not the limit
env "${common[@]}" TUNEOPS_HTTP_PORT=$gateway_port TUNEOPS_UPSTREAM_STORAGE=http://127.0.0.1:$storage_port \
  TUNEOPS_ADMIN_TOKEN=bench-admin-token-0123456789abcdef TUNEOPS_API_KEY_SECRET=bench-api-key-secret-0123456789abcdef \
  TUNEOPS_RATE_LIMIT_STORAGE_CREDENTIAL_CALLS=1000000000 \
  java $jvm -jar "$root/gateway-service/target/quarkus-app/quarkus-run.jar" > "$work/gateway.log" 2>&1 &
pids+=($!)
cat > "$work/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3proxy_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ak
s3proxy.credential=$sk
s3proxy.v4-max-non-chunked-request-size=268435456
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3proxy
EOF
cat > "$work/logback.xml" <<'EOF'
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="STDOUT"/></root>
</configuration>
EOF
# s3proxy gets the services' heap settings: the same budget for the same job
java $jvm -Dlogback.configurationFile="$work/logback.xml" -jar "$s3proxy_jar" --properties "$work/s3proxy.conf" \
  > "$work/s3proxy.log" 2>&1 &
pids+=($!)
for port in $storage_port $gateway_port; do
  for _ in $(seq 1 600); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/q/health/ready)" = 200 ] && break; sleep 0.1; done
  [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/q/health/ready)" = 200 ] || { echo "port $port not ready" >&2; exit 1; }
done
for _ in $(seq 1 600); do curl -s -o /dev/null http://127.0.0.1:$s3proxy_port/ && break; sleep 0.1; done
# nginx relays as the gateway does: both directions streamed (no buffering to disk), reads of
# 256 KiB from storage-service like the gateway's, and the Host header as the client sent it (the
# signature covers it); one worker per core, as the gateway runs event loops on every core
chmod 755 "$work"  # nginx workers run as another user
NGINX_WORKERS=auto NGINX_HOST_PORT=1 NGINX_RELAY_BUFFER=256k start_nginx_proxy $storage_port $nginx_port

declare -A url=([direct]=http://127.0.0.1:$storage_port/api/cloud/storage
                [gateway]=http://127.0.0.1:$gateway_port/api/cloud/storage
                [s3proxy]=http://127.0.0.1:$s3proxy_port
                [nginx]=http://127.0.0.1:$nginx_port/api/cloud/storage)
targets=(direct gateway s3proxy nginx)
export AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-credentials
: > "$AWS_SHARED_CREDENTIALS_FILE"
aws configure set default.s3.addressing_style path
aws --endpoint-url "${url[s3proxy]}" s3api create-bucket --bucket outputs > /dev/null

echo "writing the ${SIZE_MIB} MiB test file..." >&2
head -c $((SIZE_MIB << 20)) /dev/urandom > "$work/big"
bytes=$((SIZE_MIB << 20))
sigv4=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$ak:$sk" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
put() {  # target key -> MB/s
  curl -sSf "${sigv4[@]}" -T "$work/big" -o /dev/null -w '%{speed_upload}' "${url[$1]}/outputs/$job/$2" \
    | awk '{printf "%.1f", $1 / 1e6}'
}
get() {  # target key -> MB/s, after checking the length
  local out
  out=$(curl -sSf "${sigv4[@]}" -o /dev/null -w '%{size_download} %{speed_download}' "${url[$1]}/outputs/$job/$2")
  [ "${out% *}" = "$bytes" ] || { echo "GET $1 returned ${out% *} bytes, expected $bytes" >&2; exit 1; }
  awk -v s="${out#* }" 'BEGIN {printf "%.1f", s / 1e6}'
}
multipart() {  # target key -> MB/s
  local t0 t1
  t0=$(date +%s.%N)
  aws --endpoint-url "${url[$1]}" s3 cp --only-show-errors "$work/big" "s3://outputs/$job/$2"
  t1=$(date +%s.%N)
  awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN {printf "%.1f", b / (z - a) / 1e6}'
}
deletes() {  # target -> keys/s
  python3 "$root/bench/storage/s3bench.py" delete "${url[$1]}" "$ak" "$sk" outputs "$job/" "${DELETE_KEYS:-1000}"
}
smallops() {  # target -> ops/s
  python3 "$root/bench/storage/s3bench.py" small "${url[$1]}" "$ak" "$sk" outputs "$job/" "$COUNT" "$SMALL" "$THREADS"
}
ddwrite() {
  local t0 t1
  t0=$(date +%s.%N)
  dd if="$work/big" of="$work/dd.out" bs=8M conv=fdatasync status=none
  t1=$(date +%s.%N)
  rm -f "$work/dd.out"
  awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN {printf "%.1f", b / (z - a) / 1e6}'
}
mib() { sort -n | tail -1 | awk '{printf "%.0f", $1 / 1048576}'; }
sample_start() { python3 "$root/bench/storage/s3bench.py" heap "http://127.0.0.1:$storage_port/q/metrics" "$storage_pid" "$1" & sampler=$!; }
sample_stop() { kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=; }

if [ "${MULTIPART_ONLY:-0}" = 1 ]; then
  echo "multipart only: ${SIZE_MIB} MiB with aws-cli defaults, $RUNS run(s), storage-service $jvm"
  for run in $(seq 1 "$RUNS"); do
    for t in direct gateway; do
      : > "$work/heap-$t"
      sample_start "$work/heap-$t"
      m=$(multipart "$t" multipart); sample_stop
      size=$(aws --endpoint-url "${url[$t]}" s3api head-object --bucket outputs --key "$job/multipart" --query ContentLength --output text)
      [ "$size" = "$bytes" ] || { echo "$t: stored $size bytes, expected $bytes" >&2; exit 1; }
      aws --endpoint-url "${url[$t]}" s3 rm --only-show-errors "s3://outputs/$job/multipart"
      echo "run $run $t: multipart $m MB/s, storage-service heap peak $(cut -d' ' -f1 "$work/heap-$t" | mib) MiB, RSS peak $(cut -d' ' -f2 "$work/heap-$t" | mib) MiB ($(wc -l < "$work/heap-$t") samples)"
    done
  done
  exit 0
fi

if [ "${PUT_ONLY:-0}" = 1 ]; then
  # the single PUT alone, directly and through the gateway in turn (one warm-up PUT each)
  echo "single PUT only: ${SIZE_MIB} MiB, $RUNS run(s), storage-service $jvm"
  for t in direct gateway; do put "$t" warm > /dev/null; done
  for run in $(seq 1 "$RUNS"); do
    d=$(put direct big); g=$(put gateway big)
    echo "run $run: direct $d MB/s, gateway $g MB/s"
  done
  exit 0
fi

# Each server (the JVMs alike) keeps compiling its hot paths for its first tens of thousands of
# requests, and its CPU per small PUT falls all that time; one round of every operation plus
# WARM_SMALL small PUTs per target measures the steady state a long-running server is in.
echo "warm-up (JIT, connections), not measured..." >&2
for t in "${targets[@]}"; do
  put "$t" warm > /dev/null; get "$t" warm > /dev/null; multipart "$t" warm > /dev/null; deletes "$t" > /dev/null
  # nginx needs no compiling, and storage-service behind it is warm by now
  COUNT=$([ "$t" = nginx ] && echo 1000 || echo "${WARM_SMALL:-15000}") smallops "$t" > /dev/null
done

# Expect: 100-continue (curl for bodies over 1 MiB, botocore on every PutObject/UploadPart): a
# client waits for "100 Continue" at most 1 s (both clients) before it sends the body anyway
head -c $((2 << 20)) /dev/urandom > "$work/two"
for t in "${targets[@]}"; do
  with=$(curl -sSf "${sigv4[@]}" -T "$work/two" -o /dev/null -w '%{time_total}' "${url[$t]}/outputs/$job/two")
  without=$(curl -sSf "${sigv4[@]}" -H 'Expect:' -T "$work/two" -o /dev/null -w '%{time_total}' "${url[$t]}/outputs/$job/two")
  echo "$t: 2 MiB PUT with Expect: 100-continue ${with} s, without ${without} s" >> "$work/expect"
done

: > "$work/results"
: > "$work/heap-put"; : > "$work/heap-mpu"
for run in $(seq 1 "$RUNS"); do
  echo "dd $run $(ddwrite)" >> "$work/results"
  for t in "${targets[@]}"; do
    [ "$t" = s3proxy ] || sample_start "$work/heap-put"
    p=$(put "$t" big); sample_stop
    g=$(get "$t" big)
    [ "$t" = s3proxy ] || sample_start "$work/heap-mpu"
    m=$(multipart "$t" multipart); sample_stop
    s=$(smallops "$t")
    x=$(deletes "$t")
    echo "run $run $t: PUT $p MB/s, GET $g MB/s, multipart $m MB/s, small $s ops/s, DeleteObjects $x keys/s" >&2
    printf '%s %s %s %s %s %s %s\n' "$t" "$run" "$p" "$g" "$m" "$s" "$x" >> "$work/results"
  done
done

col() { awk -v t="$1" -v c="$2" '$1 == t {print $c}' "$work/results" | median; }
runs() { awk -v t="$1" -v c="$2" '$1 == t {printf "%s%s", sep, $c; sep=" / "}' "$work/results"; }
echo
echo "S3 endpoint, median of $RUNS runs, ${SIZE_MIB} MiB objects, small = $COUNT x $SMALL B from $THREADS threads; MB = 10^6 B"
printf '%-26s %9s %9s %9s %9s %10s %11s %9s %12s %9s\n' metric direct gateway s3proxy nginx direct/s3p gateway/s3p gw/direct nginx/direct gw/nginx
for m in "single PUT MB/s:3" "single GET MB/s:4" "multipart upload MB/s:5" "small PUT ops/s:6" "DeleteObjects keys/s:7"; do
  name=${m%:*}; c=${m##*:}
  d=$(col direct $c); g=$(col gateway $c); s=$(col s3proxy $c); x=$(col nginx $c)
  awk -v n="$name" -v d="$d" -v g="$g" -v s="$s" -v x="$x" \
    'BEGIN {printf "%-26s %9s %9s %9s %9s %10.2f %11.2f %9.2f %12.2f %9.2f\n", n, d, g, s, x, d / s, g / s, g / d, x / d, g / x}'
done
dd_med=$(awk '$1 == "dd" {print $3}' "$work/results" | median)
echo "runs (direct | gateway | s3proxy | nginx):"
for c in 3 4 5 6 7; do echo "  column $c: $(runs direct $c) | $(runs gateway $c) | $(runs s3proxy $c) | $(runs nginx $c)"; done
awk -v d="$dd_med" -v p="$(col direct 3)" -v g="$(col gateway 3)" \
  'BEGIN {printf "dd write (8M blocks, fdatasync): %s MB/s; single PUT direct %.0f%%, gateway %.0f%% of dd\n", d, 100 * p / d, 100 * g / d}'
echo "storage-service heap peak (sum of heap pools; -Xmx in: $jvm): single PUTs $(cut -d' ' -f1 "$work/heap-put" | mib) MiB, multipart uploads $(cut -d' ' -f1 "$work/heap-mpu" | mib) MiB ($(wc -l < "$work/heap-put") + $(wc -l < "$work/heap-mpu") samples)"
echo "storage-service RSS peak: single PUTs $(cut -d' ' -f2 "$work/heap-put" | mib) MiB, multipart uploads $(cut -d' ' -f2 "$work/heap-mpu" | mib) MiB"
echo "Expect: 100-continue (curl waits up to 1 s for the 100):"; sed 's/^/  /' "$work/expect"
