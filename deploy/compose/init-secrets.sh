#!/usr/bin/env bash
# Generates the secrets compose.yaml mounts, once: an existing file is never overwritten (losing
# encryption-key loses the stored provider secrets; a new db-password would not match the database).
#   deploy/compose/init-secrets.sh [dir]      (default: deploy/compose/secrets)
set -euo pipefail
dir=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets}
mkdir -p "$dir"
# the directory protects the files on the host; the files themselves must be readable by the
# containers' users (10001, postgres, redis), since compose bind-mounts them as they are
chmod 700 "$dir"
random() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48; }
for name in admin-token api-key-secret internal-secret encryption-key audit-checkpoint-key db-password redis-password; do
  if [ ! -s "$dir/$name" ]; then
    random > "$dir/$name"
    echo "generated $dir/$name"
  fi
done
if [ ! -s "$dir/redis-url" ]; then
  printf 'redis://:%s@redis:6379/0' "$(cat "$dir/redis-password")" > "$dir/redis-url"
  echo "generated $dir/redis-url"
fi
chmod 444 "$dir"/*
echo "admin key: cat $dir/admin-token"
