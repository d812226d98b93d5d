#!/usr/bin/env bash
# `npm run demo`: from a fresh machine of this kind (as root) to a routed demo service in one
# command: packages, build, Docker engine + Swarm, images, network, the stack from
# docker-compose.yml, the labelled go-demo service, then waits until http://localhost/demo/hello
# answers. Idempotent: a second run changes nothing and takes seconds.
# `npm run demo:down` (scripts/demo.sh down) removes the demo service, the stack and the network.
# `npm run demo -- --nodes 3` runs it on a multi-node Swarm instead (scripts/cluster-demo.sh).
set -Eeuo pipefail
cd "$(dirname "$0")/.."

STACK=proxy
NETWORK=proxy
DEMO=go-demo
URL=http://localhost/demo/hello
WAIT_SECONDS=${DEMO_WAIT_SECONDS:-120}
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

STEP=""
HINT=""
T0=$SECONDS
step() {
  STEP=$1
  HINT=$2
  printf '\n==> [%ss] %s\n' "$((SECONDS - T0))" "$STEP"
}
on_error() {
  local rc=$?
  printf '\ndemo: FAILED while: %s (exit %s)\n' "$STEP" "$rc" >&2
  [[ -n $HINT ]] && printf 'demo: how to fix: %s\n' "$HINT" >&2
  exit "$rc"
}
trap on_error ERR

# The content-hash tag build-images.sh gave the current image (see there for why not :latest).
image_ref() {
  local hash
  hash=$(docker image inspect -f '{{index .Config.Labels "org.flowproxy.content-hash"}}' "flowproxy/$1:latest")
  echo "flowproxy/$1:$hash"
}

down() {
  step "removing the demo service and the stack" "is the Docker engine running? (scripts/dockerd.sh status)"
  if docker service inspect "$DEMO" >/dev/null 2>&1; then docker service rm "$DEMO" >/dev/null; echo "removed service $DEMO"; fi
  if docker stack ls --format '{{.Name}}' | grep -qx "$STACK"; then docker stack rm "$STACK" >/dev/null; echo "removed stack $STACK"; fi
  step "waiting for their containers to stop" "docker ps -a; then run npm run demo:down again"
  local i
  for i in $(seq 1 120); do
    [[ -z $(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK"; docker ps -aq --filter "label=com.docker.swarm.service.name=$DEMO") ]] && break
    ((i == 120)) && { echo "containers still running after 60s"; false; }
    sleep 0.5
  done
  echo "stopped"
  step "removing network $NETWORK" "other services still use it: remove them, then: docker network rm $NETWORK"
  if docker network inspect "$NETWORK" >/dev/null 2>&1; then
    if docker network rm "$NETWORK" >/dev/null 2>&1; then echo "removed network $NETWORK"; else echo "network $NETWORK is still in use by other services; left in place"; fi
  fi
  printf '\ndemo: down. The Docker engine keeps running (scripts/dockerd.sh stop stops it if this repo started it).\n'
}

up() {
  [[ $(id -u) -eq 0 ]] || { echo "demo: run as root (it installs packages and starts dockerd)" >&2; exit 1; }

  step "installing missing system packages (scripts/setup.sh)" \
    "check that apt can reach the Debian mirror: apt-get update"
  bash scripts/setup.sh

  step "installing npm dependencies" "check that the npm registry is reachable, then: npm ci"
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
  else
    echo "node_modules up to date"
  fi

  step "compiling TypeScript (npm run build)" "run npm run build to see the compiler errors"
  npm run build --silent >/dev/null
  echo "built"

  step "starting the Docker engine and Swarm (scripts/dockerd.sh)" \
    "see /var/log/flowproxy-dockerd.log; a stale engine can be stopped with scripts/dockerd.sh stop"
  bash scripts/dockerd.sh start
  bash scripts/dockerd.sh swarm

  step "building images (scripts/build-images.sh)" \
    "the base image needs debootstrap and the Debian mirror; run bash scripts/build-images.sh for details"
  NO_BUILD=1 bash scripts/build-images.sh

  step "creating the overlay network '$NETWORK'" "docker network create --driver overlay --attachable $NETWORK"
  if docker network inspect "$NETWORK" >/dev/null 2>&1; then
    echo "network $NETWORK exists"
  else
    docker network create --driver overlay --attachable "$NETWORK" >/dev/null
    echo "network $NETWORK created"
  fi

  step "deploying the stack '$STACK' (docker-compose.yml)" \
    "ports 80 and 443 must be free on this host (ss -ltnp); see docker stack ps $STACK --no-trunc"
  PROXY_IMAGE=$(image_ref proxy) LISTENER_IMAGE=$(image_ref swarm-listener) \
    docker stack deploy --resolve-image never -c docker-compose.yml "$STACK" 2>&1 |
    sed '/--detach=false was not specified/d; /will become the default/d'

  step "deploying the labelled demo service '$DEMO'" "docker service ps $DEMO --no-trunc"
  local demo_image
  demo_image=$(image_ref demo)
  if docker service inspect "$DEMO" >/dev/null 2>&1; then
    if [[ $(docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "$DEMO") != "$demo_image" ]]; then
      docker service update -d --no-resolve-image --image "$demo_image" "$DEMO" >/dev/null
      echo "service $DEMO updated to $demo_image"
    else
      echo "service $DEMO is up to date"
    fi
  else
    # endpoint-mode dnsrr: this machine has no IPVS, so service VIPs do not work (see the stack file).
    docker service create -d --no-resolve-image --name "$DEMO" --network "$NETWORK" --endpoint-mode dnsrr \
      --label com.df.notify=true --label com.df.servicePath=/demo --label com.df.port=8080 \
      "$demo_image" >/dev/null
    echo "service $DEMO created"
  fi

  step "waiting for $URL (up to ${WAIT_SECONDS}s)" \
    "look at: docker service ps ${STACK}_proxy --no-trunc; docker service logs ${STACK}_proxy; docker service logs ${STACK}_swarm-listener (running npm run demo again keeps waiting; it changes nothing that is already in place)"
  local deadline=$((SECONDS + WAIT_SECONDS)) last=""
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL" || true) == 200 ]]; do
    if ((SECONDS >= deadline)); then
      echo
      echo "--- docker service ls"; docker service ls
      echo "--- tasks"; docker service ps "${STACK}_proxy" "${STACK}_swarm-listener" "$DEMO" --no-trunc \
        --format '{{.Name}} {{.CurrentState}} {{.Error}}' | head -n 12
      echo "--- proxy log (last 15 lines)"; docker service logs --tail 15 "${STACK}_proxy" 2>&1 || true
      false
    fi
    local state
    state=$(docker service ls --filter "name=${STACK}_" --format '{{.Name}}={{.Replicas}}' | tr '\n' ' ')
    if [[ $state != "$last" ]]; then printf '\n  %s ' "$state"; last=$state; fi
    printf '.'
    sleep 1
  done
  echo

  step "the demo answers through the proxy" ""
  echo "\$ curl -i $URL"
  curl -si "$URL"
  cat <<EOF

Ready in $((SECONDS - T0))s. Things to try:
  docker service scale $DEMO=3    # then repeat the curl: X-Served-By changes
  docker service update --label-add com.df.servicePath=/demo/hello,/demo/person $DEMO
  curl -i http://localhost/demo/person
  docker exec \$(docker ps -q -f name=${STACK}_proxy) node -e \\
    "fetch('http://127.0.0.1:8080/v1/docker-flow-proxy/config').then(r=>r.text()).then(console.log)"
  docker service logs ${STACK}_swarm-listener    # the notifications it sent
  docker service rm $DEMO    # the route goes away
  npm run demo:down    # removes the demo service, the stack and the network
EOF
}

case "${1:-up}" in
  # `npm run demo -- --nodes 3`: the same demo on a multi-node Swarm of this machine.
  --nodes | --nodes=*) exec bash scripts/cluster-demo.sh "$@" ;;
  up) up ;;
  down) down ;;
  *) echo "usage: scripts/demo.sh [up|down|--nodes N [--managers M]]" >&2; exit 2 ;;
esac
