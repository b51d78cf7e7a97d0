#!/usr/bin/env bash
# Builds the six service images: ghcr.io/tuneops/<service>:<version>.
#   deploy/docker/build.sh [version]     (default: appVersion of helm/tuneops/Chart.yaml, the tag the chart pulls)
# Settings: IMAGE_PREFIX (ghcr.io/tuneops), DOCKER (docker; podman works too), PUSH=1 to push.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=${1:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/helm/tuneops/Chart.yaml")}
prefix=${IMAGE_PREFIX:-ghcr.io/tuneops}
docker=${DOCKER:-docker}
declare -A ports=([gateway-service]=8080 [webhook-service]=8081 [storage-service]=8082
                  [metrics-service]=8083 [audit-service]=8084 [console-service]=8085)
for service in gateway-service webhook-service storage-service metrics-service audit-service console-service; do
  image="$prefix/$service:$version"
  echo "building $image"
  DOCKER_BUILDKIT=1 "$docker" build -f "$root/deploy/docker/Dockerfile" \
    --build-arg SERVICE="$service" --build-arg PORT="${ports[$service]}" --build-arg VERSION="$version" \
    -t "$image" "$root"
  if [ "${PUSH:-0}" = 1 ]; then "$docker" push "$image"; fi
done
