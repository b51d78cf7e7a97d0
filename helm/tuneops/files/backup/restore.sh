#!/usr/bin/env bash
# Restores a backup written by backup.sh: the database's tuneops schemas are replaced by the
# backup's, in one transaction (a failed restore changes nothing).
#
#   restore.sh [--yes] [--dir DIR] [--no-safety-backup] [--lock-timeout 30s] FILE|latest
#
# WARNING: this overwrites the current data. Stop the services (or scale them to 0) first, and
# restart them afterwards. Unless --yes is given, it asks you to type "restore" to go on. Unless
# --no-safety-backup is given, it first writes a backup of the current data
# (tuneops_prerestore_<time>.dump in DIR) so that the restore itself can be undone.
# "latest" is the newest backup in DIR (--dir, else BACKUP_DIR, else ./backups).
# Database settings: see lib.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

yes=0
safety=1
dir=${BACKUP_DIR:-./backups}
lock_timeout=30s
file=
while [ $# -gt 0 ]; do
  case "$1" in
    -y|--yes) yes=1; shift ;;
    --no-safety-backup) safety=0; shift ;;
    --dir) [ $# -ge 2 ] || die "--dir needs a directory"; dir=$2; shift 2 ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    --lock-timeout) [ $# -ge 2 ] || die "--lock-timeout needs a duration"; lock_timeout=$2; shift 2 ;;
    --lock-timeout=*) lock_timeout=${1#--lock-timeout=}; shift ;;
    -h|--help) usage 0 ;;
    -*) echo "unknown option: $1" >&2; usage 2 ;;
    *) [ -z "$file" ] || die "one backup file at a time"; file=$1; shift ;;
  esac
done
[ -n "$file" ] || usage 2
case "$lock_timeout" in *[!0-9a-z]*|'') die "--lock-timeout: e.g. 30s, got: $lock_timeout" ;; esac

require_tools pg_dump pg_restore psql
load_db_settings

if [ "$file" = latest ]; then
  file=$(list_backup_files "$dir" | grep '/tuneops_backup_' | head -n 1 || true)
  [ -n "$file" ] || die "no backup in $dir"
fi
[ -f "$file" ] || die "no such backup file: $file"
toc=$(pg_tool pg_restore --list "$file" 2>/dev/null) || die "$file is not a backup (pg_restore cannot read it)"
# the schemas in the backup ("<id>; <oid> <oid> SCHEMA - <name> <owner>"); public is the database's own
schemas=$(printf '%s\n' "$toc" | awk '$4 == "SCHEMA" && $5 == "-" && $6 != "public" { print $6 }' | sort -u)
[ -n "$schemas" ] || die "$file holds no tuneops schema"

echo "Restore $(basename "$file") ($(per_unit "$(file_size "$file")" 1024) KB)"
echo "   into $(db_label)"
echo "   replacing the schemas: $(echo $schemas)"
current_jobs=$(job_count) \
  || die "cannot reach $(db_label)"
echo "   the database holds $current_jobs jobs now"
echo "WARNING: this overwrites the current database! Stop the services first."

if [ "$yes" != 1 ]; then
  printf 'Type "restore" to go on: '
  answer=
  read -r answer || true
  # keep the transcript readable when the answer comes from a pipe
  [ -t 0 ] || echo
  if [ "$answer" != restore ]; then
    echo "Restore cancelled; nothing changed."
    exit 1
  fi
fi

if [ "$safety" = 1 ]; then
  mkdir -p "$dir"
  safety_file=$(umask 077; new_backup_name "$dir" tuneops_prerestore)
  (umask 077; dump_to "$safety_file")
  echo "Safety backup of the current data: $safety_file"
fi

# One psql session, one transaction: drop the schemas the backup holds, then replay the archive as
# SQL. Ownership and grants are the restoring user's (the backup may come from another cluster).
# Any error rolls everything back, so the database is either restored or untouched.
{
  printf "SET lock_timeout = '%s';\nSET client_min_messages = warning;\n" "$lock_timeout"
  for s in $schemas; do printf 'DROP SCHEMA IF EXISTS "%s" CASCADE;\n' "$s"; done
  pg_tool pg_restore --no-owner --no-privileges --file=- "$file"
} | pg_tool psql -X -q -v ON_ERROR_STOP=1 --single-transaction --dbname="$DB_URL" >/dev/null \
  || die "restore failed and was rolled back; the database is as it was${safety_file:+ (safety backup: $safety_file)}"

jobs=$(job_count)
echo "Restored $(basename "$file") into $(db_label): $jobs jobs. Restart the services."
