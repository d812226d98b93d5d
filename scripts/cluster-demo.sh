#!/usr/bin/env bash
# `npm run demo -- --nodes 3` (same as scripts/cluster.sh demo --nodes 3 [--managers M]): the demo
# of scripts/demo.sh on a multi-node Swarm of this machine (scripts/cluster.sh): the listener on a
# manager, one proxy per worker (docker-compose.per-node.yml; one per node when all are managers),
# the labelled go-demo service with one task on every node. Prints how to reach each node.
# Idempotent; `scripts/cluster.sh stop` removes all of it. Holds /tmp/flowproxy-multinode.lock.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

NODES=3
MANAGERS=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) NODES=${2:?--nodes needs a number}; shift 2 ;;
    --nodes=*) NODES=${1#*=}; shift ;;
    --managers) MANAGERS=${2:?--managers needs a number}; shift 2 ;;
    --managers=*) MANAGERS=${1#*=}; shift ;;
    *) echo "usage: scripts/cluster-demo.sh [--nodes N] [--managers M]" >&2; exit 2 ;;
  esac
done
WAIT_SECONDS=${DEMO_WAIT_SECONDS:-180}
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

T0=$SECONDS
STEP=""
step() {
  STEP=$1
  printf '\n==> [%ss] %s\n' "$((SECONDS - T0))" "$STEP"
}
trap 'printf "\ndemo: FAILED while: %s (logs: /tmp/flowproxy-cluster/fpn*.log; scripts/cluster.sh status)\n" "$STEP" >&2' ERR
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (namespaces, mounts, dockerd)" >&2; exit 1; }

step "packages, npm dependencies, build (as npm run demo)"
bash scripts/setup.sh >/dev/null
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent >/dev/null

step "images on the host engine (copied into every node)"
bash scripts/dockerd.sh start
NO_BUILD=1 bash scripts/build-images.sh

step "waiting for /tmp/flowproxy-multinode.lock (a test run may hold the cluster)"
exec 9>/tmp/flowproxy-multinode.lock
flock -w 900 9

step "starting the cluster: $NODES nodes, $MANAGERS managers (scripts/cluster.sh)"
bash scripts/cluster.sh start --nodes "$NODES" --managers "$MANAGERS"
export DOCKER_HOST=unix:///tmp/flowproxy-cluster/fpn1.sock
ref() { echo "flowproxy/$1:$(docker image inspect -f '{{index .Config.Labels "org.flowproxy.content-hash"}}' "flowproxy/$1:latest")"; }

# Workers carry the proxies; a cluster of managers only runs one on each node.
if ((NODES > MANAGERS)); then
  ROLE=worker
  PROXY_NODES=$(seq $((MANAGERS + 1)) "$NODES")
else
  ROLE=manager
  PROXY_NODES=$(seq 1 "$NODES")
fi
REPLICAS=$(echo "$PROXY_NODES" | wc -l)

step "the stack (docker-compose.yml + docker-compose.per-node.yml) and go-demo"
docker network inspect proxy >/dev/null 2>&1 || docker network create --driver overlay --attachable proxy >/dev/null
PROXY_IMAGE=$(ref proxy) LISTENER_IMAGE=$(ref swarm-listener) PROXY_REPLICAS=$REPLICAS PROXY_NODE_ROLE=$ROLE \
  docker stack deploy --resolve-image never -c docker-compose.yml -c docker-compose.per-node.yml proxy 2>&1 |
  sed '/--detach=false was not specified/d; /will become the default/d'
if ! docker service inspect go-demo >/dev/null 2>&1; then
  docker service create -d --no-resolve-image --name go-demo --network proxy --endpoint-mode dnsrr \
    --replicas "$NODES" --replicas-max-per-node 1 \
    --label com.df.notify=true --label com.df.servicePath=/demo --label com.df.port=8080 "$(ref demo)" >/dev/null
fi

step "waiting until every proxy node answers /demo/hello (up to ${WAIT_SECONDS}s)"
deadline=$((SECONDS + WAIT_SECONDS))
for i in $PROXY_NODES; do
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://10.99.0.$i/demo/hello" || true) == 200 ]]; do
    ((SECONDS < deadline)) || { docker service ps proxy_proxy proxy_swarm-listener go-demo; false; }
    sleep 1
  done
  echo "10.99.0.$i answers"
done
docker service ps proxy_proxy proxy_swarm-listener go-demo --filter desired-state=running \
  --format '  {{.Name}} on {{.Node}}: {{.CurrentState}}'

cat <<EOF

Ready in $((SECONDS - T0))s. Each node running a proxy answers on its own address (host-mode
ports: a client, DNS or load balancer in front picks among them):
$(for i in $PROXY_NODES; do echo "  curl -i http://10.99.0.$i/demo/hello"; done)
Talk to the cluster (node 1 is a manager):
  export DOCKER_HOST=unix:///tmp/flowproxy-cluster/fpn1.sock    # or: scripts/cluster.sh docker 1 ...
  docker node ls; docker service ps go-demo
Crash a worker and bring it back:
  scripts/cluster.sh kill-node $NODES; scripts/cluster.sh start-node $NODES
Remove everything: scripts/cluster.sh stop
EOF
