#!/usr/bin/env bash
# tuneops database backups: pg_dump of the whole database (every service's schema) while the
# services run, compressed custom format, kept for a number of days.
#
#   backup.sh [create] [--dir DIR] [--retention-days N]   write a backup, then remove backups older than N days
#   backup.sh list [--dir DIR]                            backups in DIR, newest first, with sizes
#   backup.sh info [--json]                               database size and job count
#
# DIR: --dir, else BACKUP_DIR, else ./backups. N: --retention-days, else BACKUP_RETENTION_DAYS,
# else 30; 0 keeps every backup. Database settings: see lib.sh (TUNEOPS_DB_URL, TUNEOPS_DB_USER,
# TUNEOPS_DB_PASSWORD[_FILE], PG_BIN). Restore with restore.sh. The Helm chart's backup CronJob
# runs this same file.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

command=create
case "${1:-}" in
  create|list|info) command=$1; shift ;;
  -h|--help) usage 0 ;;
esac
dir=${BACKUP_DIR:-./backups}
retention=${BACKUP_RETENTION_DAYS:-30}
json=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || die "--dir needs a directory"; dir=$2; shift 2 ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    --retention-days) [ $# -ge 2 ] || die "--retention-days needs a number"; retention=$2; shift 2 ;;
    --retention-days=*) retention=${1#--retention-days=}; shift ;;
    --json) json=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
case "$retention" in ''|*[!0-9]*) die "retention days must be a whole number >= 0, got: $retention" ;; esac

create() {
  require_tools pg_dump pg_restore
  load_db_settings
  mkdir -p "$dir"
  umask 077
  local file started elapsed size
  file=$(new_backup_name "$dir" tuneops_backup)
  started=$(date +%s)
  dump_to "$file"
  elapsed=$(( $(date +%s) - started ))
  size=$(file_size "$file")
  echo "Backup created: $file ($(per_unit "$size" 1024) KB in ${elapsed}s, $(db_label))"
  if [ "$retention" -gt 0 ]; then
    # only after a good backup, and never the one just written
    find "$dir" -maxdepth 1 -type f -name "$BACKUP_GLOB" -mtime +"$retention" ! -path "$file" | while read -r old; do
      rm -f "$old" && echo "Removed (older than $retention days): $old"
    done
  fi
}

list() {
  local files f n=0
  files=$(list_backup_files "$dir")
  if [ -z "$files" ]; then
    echo "No backups in $dir"
    return 0
  fi
  echo "Backups in $dir (newest first):"
  while read -r f; do
    echo "  $(basename "$f"): $(per_unit "$(file_size "$f")" 1024) KB"
    n=$((n + 1))
  done <<< "$files"
  echo "$n backup(s)"
}

info() {
  require_tools psql
  load_db_settings
  local bytes jobs
  bytes=$(psql_value "SELECT pg_database_size(current_database())") || die "cannot reach $(db_label)"
  jobs=$(job_count)
  if [ "$json" = 1 ]; then
    printf '{"database":"%s","size_bytes":%s,"size_mb":%s,"job_count":%s}\n' \
      "$(db_label)" "$bytes" "$(per_unit "$bytes" 1048576)" "$jobs"
  else
    echo "Database: $(per_unit "$bytes" 1048576) MB, $jobs jobs ($(db_label))"
  fi
}

"$command"
