# Shared by backup.sh and restore.sh (sourced, not run). Reads the database settings the services
# read, so the same environment (or the chart's ConfigMap and Secret files) drives both:
#   TUNEOPS_DB_URL   postgresql://host:port/db[?sslmode=...] (postgres:// and jdbc:postgresql:// too)
#   TUNEOPS_DB_USER  (tuneops), TUNEOPS_DB_PASSWORD or TUNEOPS_DB_PASSWORD_FILE (a mounted secret)
#   PG_BIN           directory of pg_dump/pg_restore/psql (default: PATH); their major version must
#                    be at least the server's: pg_dump refuses to dump a newer server
# Every file name this writes starts with "tuneops_" and ends with ".dump" (pg_dump custom format,
# compressed), so listing and retention never touch anything else in the directory.

BACKUP_GLOB='tuneops_*.dump'

die() { echo "ERROR: $*" >&2; exit 1; }

pg_tool() {
  local tool=$1; shift
  if [ -n "${PG_BIN:-}" ]; then "$PG_BIN/$tool" "$@"; else "$tool" "$@"; fi
}

require_tools() {
  local t
  for t in "$@"; do
    if [ -n "${PG_BIN:-}" ]; then
      [ -x "$PG_BIN/$t" ] || die "$t not found in PG_BIN=$PG_BIN"
    else
      command -v "$t" >/dev/null 2>&1 || die "$t not found: install the PostgreSQL client (same major version as the server or newer) or set PG_BIN"
    fi
  done
}

# Exports the libpq environment and sets DB_URL (a libpq connection URI without the password).
load_db_settings() {
  local url=${TUNEOPS_DB_URL:-postgresql://localhost:5432/tuneops}
  url=${url#jdbc:}
  case "$url" in
    postgres://*) url="postgresql://${url#postgres://}" ;;
    postgresql://*) ;;
    *) die "TUNEOPS_DB_URL must be a postgresql:// URL, got: ${url%%\?*}" ;;
  esac
  DB_URL=$url
  export PGUSER=${TUNEOPS_DB_USER:-tuneops}
  if [ -n "${TUNEOPS_DB_PASSWORD:-}" ]; then
    export PGPASSWORD=$TUNEOPS_DB_PASSWORD
  elif [ -n "${TUNEOPS_DB_PASSWORD_FILE:-}" ]; then
    [ -r "$TUNEOPS_DB_PASSWORD_FILE" ] || die "TUNEOPS_DB_PASSWORD_FILE names $TUNEOPS_DB_PASSWORD_FILE, which cannot be read"
    PGPASSWORD=$(cat "$TUNEOPS_DB_PASSWORD_FILE")
    export PGPASSWORD
  fi
  # a backup job must not sit forever on an unreachable server
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-15}
  export PGAPPNAME=${PGAPPNAME:-tuneops-backup}
}

# The URL for messages: no query string, no credentials.
db_label() {
  local u=${DB_URL%%\?*}
  u=${u#postgresql://}
  echo "postgresql://${u#*@}"
}

psql_value() {
  pg_tool psql -X -q -A -t -v ON_ERROR_STOP=1 --dbname="$DB_URL" -c "$1"
}

# webhook-service owns the jobs; an empty database (services never started) has no table yet
job_count() {
  psql_value "SELECT CASE WHEN to_regclass('webhook.job') IS NULL THEN 0 ELSE (SELECT count(*) FROM webhook.job) END"
}

# "12.3": a size in bytes as KB/MB with one decimal
per_unit() { awk -v b="$1" -v d="$2" 'BEGIN { printf "%.1f", b / d }'; }

file_size() { wc -c < "$1" | tr -d ' '; }

# Newest first: the names carry a sortable UTC timestamp.
list_backup_files() {
  local dir=$1
  [ -d "$dir" ] || return 0
  find "$dir" -maxdepth 1 -type f -name "$BACKUP_GLOB" | sort -r
}

# Writes a compressed custom-format dump of the whole database to $1 (atomically: a failed or
# interrupted dump never leaves a file that looks like a backup).
dump_to() {
  local file=$1 tmp="$1.partial"
  rm -f "$tmp"
  # pg_dump takes one consistent snapshot (repeatable read) while the services keep running;
  # lock-wait-timeout stops it from queueing forever behind a migration's exclusive lock
  if ! pg_tool pg_dump --dbname="$DB_URL" --format=custom --compress=6 --lock-wait-timeout=60000 --file="$tmp"; then
    rm -f "$tmp"
    die "pg_dump of $(db_label) failed; no backup written"
  fi
  # an archive pg_restore cannot read is no backup
  if ! pg_tool pg_restore --list "$tmp" >/dev/null; then
    rm -f "$tmp"
    die "the dump of $(db_label) is not a readable archive; no backup written"
  fi
  mv "$tmp" "$file"
}

new_backup_name() {
  local dir=$1 prefix=$2 ts n=1 file
  ts=$(date -u +%Y%m%d_%H%M%S)
  file="$dir/${prefix}_${ts}.dump"
  while [ -e "$file" ]; do
    n=$((n + 1))
    file="$dir/${prefix}_${ts}_${n}.dump"
  done
  echo "$file"
}
