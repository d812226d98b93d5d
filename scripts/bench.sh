#!/usr/bin/env bash
# `npm run bench [-- --quick]`: builds, then runs every benchmark side by side in one run and writes
# bench/results/<date>.json and bench/results/latest.md (latest-quick.md for --quick).
# `npm run bench -- --only workerCrash[,swarmChain,nodeCrash]` runs only those sections (the ones
# with a setup of their own) and writes bench/results/<date>-only-<ids>.json and only-<ids>.md,
# never latest.md. `npm run soak` (scripts/soak.sh) is the 30-minute churn, not part of this run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
npx tsc -p test/bench/tsconfig.json
# The listener memory figure needs a Docker engine; start one only if none answers (and stop it after).
STOP_DOCKER=
if ! docker info >/dev/null 2>&1; then STOP_DOCKER=1; fi
bash scripts/dockerd.sh start && bash scripts/dockerd.sh swarm
[[ -n $STOP_DOCKER ]] && trap 'bash scripts/dockerd.sh stop || true' EXIT
bash scripts/build-images.sh
# The node-crash section runs on the multi-node harness (scripts/cluster.sh): one at a time per machine.
flock /tmp/flowproxy-multinode.lock node test/bench/dist/bench/src/main.js "$@"
