#!/usr/bin/env bash
# `npm run soak [-- --minutes 30 --max-services 12 --op-interval-ms 2000 --checkpoint-seconds 30]`:
# service churn through the real Swarm with both apps (the images scripts/build-images.sh builds),
# in a stack of its own (fpsoak: own network, notify label and free host ports), so it can run beside
# `npm run demo` and the e2e. Writes bench/results/soak-<date>.{json,md} and bench/results/soak.md.
# Not part of CI. Ctrl-C stops the churn and removes everything the soak created.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
npx tsc -p test/bench/tsconfig.json
bash scripts/dockerd.sh start && bash scripts/dockerd.sh swarm
NO_BUILD=1 bash scripts/build-images.sh
# One soak per machine (they would share the fpsoak stack); other Swarm users are not locked out.
exec flock -n /tmp/flowproxy-soak.lock node test/bench/dist/bench/src/soak/main.js "$@"
