#!/usr/bin/env bash
# The test command: installs the programs the tests run that are not Maven artifacts, then runs
# every module's tests and the system tests with `./mvnw verify "$@"`.
#
#   ./test.sh                   install what is missing, then ./mvnw verify
#   ./test.sh -B -pl system-tests   arguments go to Maven
#   ./test.sh --install-only    install what is missing, run nothing
#
# Everything else (Maven, PostgreSQL and Redis servers, Helm, the AWS SDK) comes from Maven
# artifacts. The programs below are installed from Debian/Ubuntu packages with apt-get, as root or
# through sudo; only the missing ones, and none of the packages' services is started. On other
# systems, install them yourself (see README) and run ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")"

install_only=0
if [ "${1:-}" = "--install-only" ]; then
  install_only=1
  shift
fi

packages=()
need() { # need <package> <why>: queue a package and say why the tests need it
  packages+=("$1")
  echo "test.sh: installing $1: $2"
}

command -v java >/dev/null || { echo "test.sh: a JDK 17 or newer is needed (java is not on the PATH)" >&2; exit 1; }
# prometheus is the only Debian package that ships promtool
command -v promtool >/dev/null ||
  need prometheus "for promtool, which checks the Prometheus export and the alert rules (MetricsIT, ObservabilityIT)"
for tool in pg_dump pg_restore psql; do
  command -v "$tool" >/dev/null || { need postgresql-client "for pg_dump, pg_restore and psql, which the backup and restore scripts run (deploy-tests)"; break; }
done
command -v rclone >/dev/null || need rclone "an S3 client the storage tests drive through the gateway (StorageRcloneIT)"
command -v curl >/dev/null || need curl "deploy/smoke-test.sh runs on it (SmokeTestScriptIT)"
# Selenium drives the browser through chromedriver; Debian ships each in its own package, of one version
[ -x /usr/bin/chromium ] ||
  need chromium "the headless browser that signs in to the console and uses every page (ConsoleIT)"
[ -x /usr/bin/chromedriver ] ||
  need chromium-driver "chromedriver, through which the console tests drive chromium (ConsoleIT)"
# aws-cli and boto3 come from PyPI into target/ when Python does not have them (storage tests): pip is enough
if ! command -v python3 >/dev/null; then
  need python3 "aws-cli and boto3, the S3 clients of the storage tests, run on it"
  need python3-pip "to fetch aws-cli and boto3 from PyPI into target/"
elif ! python3 -c 'import awscli, boto3' 2>/dev/null && ! python3 -m pip --version >/dev/null 2>&1; then
  need python3-pip "to fetch aws-cli and boto3, the S3 clients of the storage tests, from PyPI into target/"
fi

if [ ${#packages[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "test.sh: no apt-get here: install the programs above by hand, then run ./mvnw verify" >&2
    exit 1
  fi
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "test.sh: installing packages needs root or sudo" >&2; exit 1; }
    as_root=(sudo)
  fi
  # a package's service (prometheus) must not start on a test machine: policy-rc.d refuses every
  # service start while it exists, so it exists only for this install
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    ${as_root[@]+"${as_root[@]}"} sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"
    trap '${as_root[@]+"${as_root[@]}"} rm -f "$policy"' EXIT
  fi
  ${as_root[@]+"${as_root[@]}"} apt-get update -qq
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  if [ -n "$(trap -p EXIT)" ]; then
    ${as_root[@]+"${as_root[@]}"} rm -f "$policy"
    trap - EXIT
  fi
fi

if [ $install_only = 1 ]; then
  exit 0
fi
exec ./mvnw verify "$@"
