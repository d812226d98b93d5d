#!/usr/bin/env bash
# A multi-node Docker Swarm on this one machine, without VMs: N extra dockerd ("nodes" fpn1..fpnN),
# each in its own network, mount, UTS and PID namespace, joined over a bridge. The host's own
# engine, its Swarm and its iptables rules are never touched; nodes only talk inside 10.99.0.0/24.
#
#   scripts/cluster.sh start [--nodes N] [--managers M]   (default 3 nodes, 1 manager; idempotent)
#   scripts/cluster.sh stop                                (removes everything start created)
#   scripts/cluster.sh status | leftovers                  (leftovers: exit 1 if anything remains)
#   scripts/cluster.sh kill-node I                         (SIGKILL node I's dockerd: a node crash)
#   scripts/cluster.sh start-node I                        (restart a crashed node; it rejoins)
#   scripts/cluster.sh images                              (copy the flowproxy images in again)
#   scripts/cluster.sh docker I <args...>                  (docker CLI against node I)
#   scripts/cluster.sh demo [--nodes N] [--managers M]     (the demo stack on the cluster)
#
# Why each piece is the way it is (measured; see docs/ARCHITECTURE.md, "Multi-node harness"):
# - The bridge lives in its own netns `fpsw`: in the root netns br_netfilter sends bridged frames
#   through the host's FORWARD chain, whose policy (set by the host dockerd) is DROP.
# - `nsenter --net`, not `ip netns exec`: the latter remounts /sys and hides the cgroup tree.
# - A private mount namespace per node with a fresh /run, sysfs and /etc/docker: own sockets,
#   exec-root, containerd, netns files and engine ID; inherited host mounts are unmounted so a node
#   never pins the host engine's containers or network namespaces.
# - A PID namespace with docker-init as PID 1: killing the node's dockerd ends the namespace, so
#   containerd, shims and containers die with it (a real crash) and nothing is orphaned.
# - No default route + DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1: otherwise every task start waits for
#   a registry lookup to time out (20 s). Images are copied in with docker save/load.
# Everything is wrapped by callers in `flock /tmp/flowproxy-multinode.lock` (one cluster at a time).
set -euo pipefail
SELF=$(readlink -f "$0")
cd "$(dirname "$SELF")/.."

STATE=/tmp/flowproxy-cluster          # sockets (reachable from the host), logs, pids, image tar
DATA=/var/lib/flowproxy-cluster       # node data roots, on a tmpfs mounted by start
DATA_SIZE=${CLUSTER_DATA_SIZE:-6g}    # tmpfs limit (3 nodes with the images use about 2.5 GB)
NET=10.99.0                           # node I is $NET.I, the host end is $NET.254
SWITCH=fpsw
BRIDGE=fpbr0
HOSTIF=fp0
HEARTBEAT=${CLUSTER_HEARTBEAT:-1s}    # Swarm dispatcher heartbeat: a dead node is Down in ~4 s
IMAGES=(flowproxy/proxy flowproxy/swarm-listener flowproxy/demo)
START_TIMEOUT=60

say() { echo "cluster.sh: $*"; }
die() {
  echo "cluster.sh: ERROR: $*" >&2
  exit 1
}
node_sock() { echo "$STATE/fpn$1.sock"; }
dkn() {
  local i=$1
  shift
  docker -H "unix://$(node_sock "$i")" "$@"
}
answers() { [[ -S $(node_sock "$1") ]] && timeout 10 docker -H "unix://$(node_sock "$1")" info --format '{{.ID}}' >/dev/null 2>&1; }
netns_exists() { [[ -e /run/netns/$1 ]]; }
ns_pids() { if netns_exists "$1"; then ip netns pids "$1" 2>/dev/null || true; fi; }
cluster_nodes() { if [[ -f $STATE/cluster.env ]]; then (. "$STATE/cluster.env" && echo "$NODES"); else echo 0; fi; }
cluster_managers() { (. "$STATE/cluster.env" && echo "$MANAGERS"); }

parse_size() {
  NODES=3
  MANAGERS=1
  while [[ $# -gt 0 ]]; do
    case $1 in
      --nodes) NODES=${2:?--nodes needs a number}; shift 2 ;;
      --nodes=*) NODES=${1#*=}; shift ;;
      --managers) MANAGERS=${2:?--managers needs a number}; shift 2 ;;
      --managers=*) MANAGERS=${1#*=}; shift ;;
      *) die "unknown option '$1' (allowed: --nodes N, --managers M)" ;;
    esac
  done
  [[ $NODES =~ ^[1-9]$ ]] || die "--nodes must be 1..9 (got '$NODES')"
  [[ $MANAGERS =~ ^[1-9]$ && $MANAGERS -le $NODES ]] || die "--managers must be 1..$NODES (got '$MANAGERS')"
}

# ---------------------------------------------------------------- network
net_up() {
  local n=$1 i
  if ! netns_exists $SWITCH; then ip netns add $SWITCH; fi
  ip -n $SWITCH link show $BRIDGE >/dev/null 2>&1 || ip -n $SWITCH link add $BRIDGE type bridge
  ip -n $SWITCH link set lo up
  ip -n $SWITCH link set $BRIDGE up
  if ! ip link show $HOSTIF >/dev/null 2>&1; then
    ip link add $HOSTIF type veth peer name up0 netns $SWITCH
    ip addr add $NET.254/24 dev $HOSTIF
  fi
  ip -n $SWITCH link set up0 master $BRIDGE up
  ip link set $HOSTIF up
  for i in $(seq 1 "$n"); do
    if ! netns_exists "fpn$i"; then ip netns add "fpn$i"; fi
    if ! ip -n $SWITCH link show "n$i" >/dev/null 2>&1; then
      ip -n $SWITCH link add "n$i" type veth peer name eth0 netns "fpn$i"
      ip -n "fpn$i" addr add "$NET.$i/24" dev eth0
    fi
    ip -n $SWITCH link set "n$i" master $BRIDGE up
    ip -n "fpn$i" link set lo up
    ip -n "fpn$i" link set eth0 up
  done
}

# ---------------------------------------------------------------- one node
# Runs inside the node's namespaces (PID 2, under docker-init): private mounts, then dockerd.
node_main() {
  local i=$1
  hostname "fpn$i"
  # Inherited copies of the host's /run and /var/lib/docker mounts (netns files, container
  # rootfs, other nodes' netns): deepest first, lazily, so they stay pinned by nothing here.
  awk '{print $5}' /proc/self/mountinfo | grep -E '^/(run|var/lib/docker)(/|$)' | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  mount -t tmpfs -o mode=755 tmpfs /run
  # A fresh sysfs shows this netns's devices; the cgroup tree is carried over under it.
  mkdir -p /run/fp-cgroup
  mount --rbind /sys/fs/cgroup /run/fp-cgroup
  mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
  mount --move /run/fp-cgroup /sys/fs/cgroup
  rmdir /run/fp-cgroup
  mount --bind "$DATA/fpn$i/etc-docker" /etc/docker
  exec env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd \
    --data-root "$DATA/fpn$i/root" \
    -H unix:///run/docker.sock -H "unix://$(node_sock "$i")" \
    --pidfile /run/docker.pid \
    --cgroup-parent "/fpn$i"
}

node_start() {
  local i=$1
  if answers "$i"; then return 0; fi
  if [[ -n $(ns_pids "fpn$i") ]]; then node_kill "$i"; fi
  mkdir -p "$DATA/fpn$i/root" "$DATA/fpn$i/etc-docker" "$STATE"
  rm -f "$(node_sock "$i")"
  # setsid + nohup + a log file: the node must not hold the caller's stdout (CI's pipe), nor any
  # other inherited descriptor (a caller's `flock` fd would keep the lock until the node stops).
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec setsid nohup nsenter --net="/run/netns/fpn$i" \
      unshare --mount --propagation private --uts --pid --fork --mount-proc \
      docker-init -- bash "$SELF" _node "$i" >>"$STATE/fpn$i.log" 2>&1 </dev/null
  ) &
  echo $! >"$STATE/fpn$i.pid"
}

node_wait() {
  local i=$1 deadline=$((SECONDS + START_TIMEOUT))
  until answers "$i"; do
    if [[ -z $(ns_pids "fpn$i") ]] && ! kill -0 "$(cat "$STATE/fpn$i.pid" 2>/dev/null || echo 0)" 2>/dev/null; then
      tail -n 20 "$STATE/fpn$i.log" >&2
      die "node fpn$i exited during startup (log: $STATE/fpn$i.log)"
    fi
    ((SECONDS < deadline)) || die "node fpn$i does not answer after ${START_TIMEOUT}s (log: $STATE/fpn$i.log)"
    sleep 0.2
  done
}

# Kills every process in the node's namespaces (dockerd first: that is the crash the tests want).
node_kill() {
  local i=$1 pid pids deadline=$((SECONDS + 20))
  for pid in $(ns_pids "fpn$i"); do
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]] && kill -KILL "$pid" 2>/dev/null || true
  done
  while pids=$(ns_pids "fpn$i") && [[ -n $pids ]]; do
    ((SECONDS < deadline)) || { kill -KILL $pids 2>/dev/null || true; }
    ((SECONDS < deadline + 10)) || die "processes of node fpn$i do not exit: $pids"
    sleep 0.1
  done
  local starter
  starter=$(cat "$STATE/fpn$i.pid" 2>/dev/null || true)
  # The nsenter/unshare parent outside the PID namespace exits once its child is gone.
  if [[ -n $starter ]]; then
    deadline=$((SECONDS + 10))
    while kill -0 "$starter" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  fi
}

# ---------------------------------------------------------------- images
# docker save of the current flowproxy images once (skipped when their IDs did not change), then
# docker load per node (skipped when the node has them). Each node also gets the content-hash tag
# build-images.sh gives, so a stack can be deployed by hash as scripts/demo.sh does.
images_sync() {
  local n=$1 refs=() ids="" img hash i
  for img in "${IMAGES[@]}"; do
    docker image inspect "$img:latest" >/dev/null 2>&1 || die "$img:latest missing on the host engine: run scripts/build-images.sh"
    refs+=("$img:latest")
    ids+="$(docker image inspect -f '{{.Id}}' "$img:latest") "
  done
  if [[ ! -f $STATE/images.ids || $(cat "$STATE/images.ids") != "$ids" ]]; then
    say "saving ${refs[*]} from the host engine"
    docker save -o "$STATE/images.tar.tmp" "${refs[@]}"
    mv "$STATE/images.tar.tmp" "$STATE/images.tar"
    echo "$ids" >"$STATE/images.ids"
  fi
  local pids=()
  for i in $(seq 1 "$n"); do
    answers "$i" || continue
    images_load "$i" "$ids" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || die "loading images into a node failed"; done
}

images_load() {
  local i=$1 ids=$2 have="" img hash
  for img in "${IMAGES[@]}"; do have+="$(dkn "$i" image inspect -f '{{.Id}}' "$img:latest" 2>/dev/null || echo none) "; done
  if [[ $have != "$ids" ]]; then
    dkn "$i" load -q -i "$STATE/images.tar" >/dev/null
  fi
  for img in "${IMAGES[@]}"; do
    hash=$(dkn "$i" image inspect -f '{{index .Config.Labels "org.flowproxy.content-hash"}}' "$img:latest")
    if [[ -n $hash ]]; then dkn "$i" tag "$img:latest" "$img:$hash"; fi
  done
}

# ---------------------------------------------------------------- swarm
swarm_state() { dkn "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

# A manager that answers (node 1 unless it is down).
live_manager() {
  local i
  for i in $(seq 1 "$(cluster_managers)"); do
    if answers "$i" && [[ $(dkn "$i" info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]]; then
      echo "$i"
      return 0
    fi
  done
  return 1
}

swarm_up() {
  local n=$1 m=$2 i role token
  if [[ $(swarm_state 1) != active ]]; then
    dkn 1 swarm init --advertise-addr "$NET.1" --listen-addr "$NET.1:2377" \
      --dispatcher-heartbeat "$HEARTBEAT" >/dev/null
  fi
  for i in $(seq 2 "$n"); do
    [[ $(swarm_state "$i") == active ]] && continue
    role=worker
    ((i <= m)) && role=manager
    token=$(dkn 1 swarm join-token -q "$role")
    dkn "$i" swarm join --advertise-addr "$NET.$i" --listen-addr "$NET.$i:2377" --token "$token" "$NET.1:2377" >/dev/null
  done
  ready_wait "$n"
}

ready_wait() {
  local n=$1 deadline=$((SECONDS + START_TIMEOUT)) mgr ready
  while :; do
    mgr=$(live_manager || true)
    ready=0
    [[ -n $mgr ]] && ready=$(dkn "$mgr" node ls --format '{{.Hostname}} {{.Status}}' 2>/dev/null | grep -c ' Ready$' || true)
    ((ready >= n)) && return 0
    ((SECONDS < deadline)) || die "only $ready of $n nodes Ready after ${START_TIMEOUT}s"
    sleep 0.2
  done
}

# ---------------------------------------------------------------- commands
start() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces, mounts, dockerd)"
  local t0=$SECONDS i
  parse_size "$@"
  local running
  running=$(cluster_nodes)
  if [[ $running != 0 ]] && [[ $running != "$NODES" || $(cluster_managers) != "$MANAGERS" ]]; then
    die "a cluster of $running nodes ($(cluster_managers) managers) exists; run scripts/cluster.sh stop first"
  fi
  docker info >/dev/null 2>&1 || die "the host engine does not answer (images are copied from it): scripts/dockerd.sh start"
  mkdir -p "$STATE" "$DATA"
  # A tmpfs: removing the nodes' image layers from disk took 30-90 s on a busy machine, an
  # unmount takes none, and loading images gets faster too (overlay2 works on tmpfs).
  mountpoint -q "$DATA" || mount -t tmpfs -o "size=$DATA_SIZE,mode=755" flowproxy-cluster "$DATA"
  printf 'NODES=%s\nMANAGERS=%s\n' "$NODES" "$MANAGERS" >"$STATE/cluster.env"
  net_up "$NODES"
  for i in $(seq 1 "$NODES"); do node_start "$i"; done
  for i in $(seq 1 "$NODES"); do node_wait "$i"; done
  say "engines answer ($((SECONDS - t0))s)"
  images_sync "$NODES"
  say "images in place ($((SECONDS - t0))s)"
  swarm_up "$NODES" "$MANAGERS"
  say "$NODES nodes ($MANAGERS managers) ready in $((SECONDS - t0))s"
  print_nodes
}

print_nodes() {
  local n i role
  n=$(cluster_nodes)
  for i in $(seq 1 "$n"); do
    role=worker
    (($i <= $(cluster_managers))) && role=manager
    printf '  fpn%s  %-7s  %s.%s  DOCKER_HOST=unix://%s\n' "$i" "$role" "$NET" "$i" "$(node_sock "$i")"
  done
}

stop() {
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  local t0=$SECONDS ns i c
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^fpn[0-9]+$' || true); do
    node_kill "${ns#fpn}"
  done
  # Container cgroups of killed nodes stay behind (runc did not get to remove them).
  for c in /sys/fs/cgroup/*/; do
    for i in "$c"fpn[0-9]*; do
      [[ -d $i ]] || continue
      local deadline=$((SECONDS + 10))
      until find "$i" -depth -type d -exec rmdir {} + 2>/dev/null && [[ ! -d $i ]]; do
        ((SECONDS < deadline)) || die "cannot remove cgroup $i (processes still in it?)"
        sleep 0.2
      done
    done
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^fpn[0-9]+$' || true); do ip netns del "$ns"; done
  # Deleting one end of a veth deletes the other: the host end first, then the switch.
  ip link del $HOSTIF 2>/dev/null || true
  if netns_exists $SWITCH; then ip netns del $SWITCH; fi
  if mountpoint -q "$DATA"; then umount "$DATA" || umount -l "$DATA"; fi
  rm -rf "$DATA" "$STATE"
  say "stopped in $((SECONDS - t0))s"
}

# Everything start may have created; prints what remains and fails if anything does.
leftovers() {
  local found=0 line
  report() {
    echo "leftover: $*"
    found=1
  }
  for line in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^(fpn[0-9]+|$SWITCH)$" || true); do
    report "netns $line (pids: $(ns_pids "$line" | tr '\n' ' '))"
  done
  if ip link show $HOSTIF >/dev/null 2>&1; then report "link $HOSTIF"; fi
  while read -r line; do [[ -n $line ]] && report "mount $line"; done < <(awk '{print $5}' /proc/self/mountinfo | grep -E "flowproxy-cluster|/run/netns/(fpn[0-9]+|$SWITCH)$" || true)
  while read -r line; do [[ -n $line ]] && report "cgroup $line"; done < <(ls -d /sys/fs/cgroup/*/fpn[0-9]* 2>/dev/null || true)
  for line in "$STATE" "$DATA"; do if [[ -e $line ]]; then report "directory $line"; fi; done
  while read -r line; do [[ -n $line ]] && report "process $line"; done < <(pgrep -a -f "$STATE/fpn|$SELF _node" || true)
  ((found == 0)) && say "no leftovers"
  return $found
}

status() {
  local n i
  n=$(cluster_nodes)
  if [[ $n == 0 ]]; then
    say "no cluster (scripts/cluster.sh start)"
    leftovers >/dev/null || say "but there are leftovers: scripts/cluster.sh leftovers / stop"
    return 0
  fi
  for i in $(seq 1 "$n"); do
    if answers "$i"; then echo "fpn$i up   $NET.$i  swarm=$(swarm_state "$i")"; else echo "fpn$i DOWN $NET.$i"; fi
  done
  local mgr
  if mgr=$(live_manager); then dkn "$mgr" node ls; fi
}

kill_node() {
  local i=${1:?kill-node needs a node number}
  netns_exists "fpn$i" || die "no node fpn$i"
  local t0=$SECONDS
  node_kill "$i"
  say "node fpn$i killed ($((SECONDS - t0))s)"
}

start_node() {
  local i=${1:?start-node needs a node number}
  netns_exists "fpn$i" || die "no node fpn$i (scripts/cluster.sh start creates the nodes)"
  local t0=$SECONDS
  node_start "$i"
  node_wait "$i"
  ready_wait "$(cluster_nodes)"
  say "node fpn$i back and Ready in $((SECONDS - t0))s"
}

cmd=${1:-}
shift || true
case $cmd in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  leftovers) leftovers ;;
  kill-node) kill_node "$@" ;;
  start-node) start_node "$@" ;;
  images) images_sync "$(cluster_nodes)" ;;
  docker)
    i=${1:?docker needs a node number}
    shift
    dkn "$i" "$@"
    ;;
  demo) exec bash scripts/cluster-demo.sh "$@" ;;
  _node) node_main "$@" ;;
  *)
    echo "usage: scripts/cluster.sh start [--nodes N] [--managers M] | stop | status | leftovers | kill-node I | start-node I | images | docker I ARGS | demo" >&2
    exit 2
    ;;
esac
