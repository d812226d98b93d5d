#!/usr/bin/env bash
# The README's test command (`npm test`): installs what is missing, builds, starts a Docker engine
# in Swarm mode when none answers, runs every test kind (and the quick benchmark) and prints one closing line
# "N passed, N failed" aggregated over all jest runs. Usage: scripts/test.sh [all|unit|integration|e2e]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-all}
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

bash scripts/setup.sh
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent

results=$(mktemp -d)
cleanup() {
  if [[ -n ${STOP_DOCKER:-} ]]; then bash scripts/dockerd.sh stop || true; fi
  rm -rf "$results"
}
trap cleanup EXIT

if [[ $kind != unit ]]; then
  # Integration tests of the listener and the e2e suite need a real engine in Swarm mode.
  if ! docker info >/dev/null 2>&1; then STOP_DOCKER=1; fi
  bash scripts/dockerd.sh start
  bash scripts/dockerd.sh swarm
fi
if [[ $kind == all || $kind == e2e || $kind == multinode || $kind == bench ]] && [[ -x scripts/build-images.sh ]]; then
  bash scripts/build-images.sh
fi

rc=0
jest() { NODE_OPTIONS=--experimental-vm-modules npx jest --passWithNoTests "$@" || rc=1; }
# The multi-node Swarm (scripts/cluster.sh) exists once per machine: its runs take turns.
multinode() {
  flock /tmp/flowproxy-multinode.lock env NODE_OPTIONS=--experimental-vm-modules npx jest --passWithNoTests \
    --selectProjects multinode --runInBand --json --outputFile "$results/multinode.json" || rc=1
}
case $kind in
  unit) jest --selectProjects unit --json --outputFile "$results/unit.json" ;;
  integration) jest --selectProjects integration --runInBand --json --outputFile "$results/integration.json" ;;
  e2e) jest --selectProjects e2e --runInBand --json --outputFile "$results/e2e.json" ;;
  multinode) multinode ;;
  bench) jest --selectProjects bench --runInBand --json --outputFile "$results/bench.json" ;;
  all)
    jest --selectProjects unit --json --outputFile "$results/unit.json"
    jest --selectProjects integration --runInBand --json --outputFile "$results/integration.json"
    jest --selectProjects e2e --runInBand --json --outputFile "$results/e2e.json"
    multinode
    # The quick benchmark must complete and write its results (targets are not asserted in tests).
    jest --selectProjects bench --runInBand --json --outputFile "$results/bench.json"
    ;;
  *) echo "usage: scripts/test.sh [all|unit|integration|e2e|multinode|bench]" >&2; exit 2 ;;
esac
node scripts/summary.mjs "$results"/*.json || rc=1
exit $rc
