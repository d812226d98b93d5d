#!/usr/bin/env bash
# Builds flowproxy/{proxy,swarm-listener,demo}:latest without the network: compiles on the host,
# stages each app (dist/ + production node_modules, docker/stage.mjs) and uses that staging dir
# as the build context. A build is skipped when the image already carries the content hash of
# its staging dir + Dockerfile + base image, so a second run takes a few seconds.
# Each image is tagged `latest` and `<hash>`: deploying the hash tag (scripts/demo.sh, the e2e)
# makes `docker stack deploy` / `service update` roll out exactly when the content changed, which
# `latest` cannot do with --resolve-image never (the spec would not change).
#   scripts/build-images.sh [proxy] [swarm-listener] [demo]     (default: all three)
# Env: BASE_IMAGE (default flowproxy/base:bookworm), NO_BUILD=1 skips `npm run build`,
#      FORCE=1 rebuilds even when the hash matches.
set -euo pipefail
cd "$(dirname "$0")/.."

export BASE_IMAGE=${BASE_IMAGE:-flowproxy/base:bookworm}
APPS=("$@")
[[ ${#APPS[@]} -gt 0 ]] || APPS=(proxy swarm-listener demo)
say() { echo "build-images.sh: $*"; }
die() { echo "build-images.sh: ERROR: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/dockerd.sh start"
T0=$SECONDS
if [[ -z ${NO_BUILD:-} ]]; then
  say "compiling (npm run build)"
  npm run build --silent >/dev/null || die "npm run build failed; run it to see the errors"
fi
bash docker/base/build-base.sh
BASE_ID=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")

STAGE_ROOT=$(mktemp -d /var/tmp/flowproxy-stage.XXXXXX)
trap 'rm -rf "$STAGE_ROOT"' EXIT

for app in "${APPS[@]}"; do
  dockerfile=docker/$app.Dockerfile
  [[ -f $dockerfile && -d apps/$app ]] || die "unknown app '$app' (expected proxy, swarm-listener or demo)"
  image=flowproxy/$app:latest
  stage=$STAGE_ROOT/$app
  node docker/stage.mjs "apps/$app" "$stage" >/dev/null
  # Paths and contents in a fixed order, so the hash only changes when the image would.
  hash=$({
    echo "$BASE_ID"
    sha256sum "$dockerfile" | cut -d' ' -f1
    (cd "$stage" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16)
  current=$(docker image inspect -f '{{index .Config.Labels "org.flowproxy.content-hash"}}' "$image" 2>/dev/null || true)
  if [[ $current == "$hash" && -z ${FORCE:-} ]]; then
    docker tag "$image" "flowproxy/$app:$hash"
    say "$image up to date ($hash)"
    continue
  fi
  say "building $image ($hash, context $(du -sh "$stage" | cut -f1))"
  # The legacy builder prints a DEPRECATED notice about buildx on stderr: harmless, keep it quiet.
  if ! out=$(docker build -q -f "$dockerfile" --build-arg "BASE_IMAGE=$BASE_IMAGE" \
      --label "org.flowproxy.content-hash=$hash" -t "$image" -t "flowproxy/$app:$hash" "$stage" 2>&1); then
    echo "$out" >&2
    die "docker build of $image failed"
  fi
  # The replaced image is dead weight unless a container still uses it (then rmi refuses: fine).
  if [[ -n $current && $current != "$hash" ]]; then
    docker rmi "flowproxy/$app:$current" >/dev/null 2>&1 || true
  fi
done
say "done in $((SECONDS - T0))s"
