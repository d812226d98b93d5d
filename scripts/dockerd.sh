#!/usr/bin/env bash
# Start/stop the Docker engine (and Swarm) that tests, the demo and the bench use.
#   scripts/dockerd.sh start|swarm|stop|status
# There is no systemd here, so we run dockerd ourselves. We only ever stop an engine
# that this script started (marker file), never one that was already running.
#
# Flags: plain `dockerd` works on this machine (overlay2 storage, iptables via
# nf_tables, cgroup v1/cgroupfs); no --storage-driver/--iptables overrides needed.
# Default data root and socket, so plain `docker ...` works afterwards.
#
# Client: /usr/local/bin/docker (28.x, API 1.50) comes first in PATH and negotiates
# down to the 20.10 engine's API 1.41 by itself (no DOCKER_API_VERSION needed):
# build/run/service/stack/secret/network all tested with it. It has no buildx plugin,
# so `docker build` falls back to the legacy builder and prints a DEPRECATED notice
# (harmless; the build needs no network). /usr/bin/docker (20.10) works as well.
set -euo pipefail

PIDFILE=/var/run/flowproxy-dockerd.pid
LOG=/var/log/flowproxy-dockerd.log
STARTED=/var/run/flowproxy-dockerd.started   # holds the pid of the dockerd we started
SWARM_MARK=/var/run/flowproxy-swarm.initialised  # we ran `swarm init` on this data root
START_TIMEOUT=${DOCKERD_START_TIMEOUT:-60}
STOP_TIMEOUT=30

say() { echo "dockerd.sh: $*"; }
die() { echo "dockerd.sh: ERROR: $*" >&2; exit 1; }
answers() { timeout 10 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }
# True if the pid is alive and really a dockerd (pid files survive reboots here: /run is on disk).
is_dockerd() { [[ -n ${1:-} && -r /proc/$1/comm && $(cat "/proc/$1/comm" 2>/dev/null) == dockerd ]]; }

start() {
  if answers; then
    if [[ -f $STARTED ]] && is_dockerd "$(cat "$STARTED")"; then
      say "already running (started by us, pid $(cat "$STARTED"))"
    else
      say "an engine already answers on /var/run/docker.sock; using it"
    fi
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || die "must run as root to start dockerd"
  command -v dockerd >/dev/null || die "dockerd not installed; run scripts/setup.sh"
  local pid=""
  [[ -f $PIDFILE ]] && pid=$(cat "$PIDFILE")
  if is_dockerd "$pid"; then
    say "dockerd pid $pid is running but not answering yet; waiting"
  else
    # Stale pidfile (e.g. after a reboot) would make dockerd refuse to start.
    rm -f "$PIDFILE" "$STARTED"
    say "starting dockerd (log: $LOG)"
    # setsid + nohup + redirect: the daemon must not hold the caller's stdout/stderr
    # (a leftover holder of CI's output pipe keeps the run from ending).
    setsid nohup dockerd --pidfile "$PIDFILE" >>"$LOG" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$STARTED"
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$STARTED"; echo "--- tail of $LOG" >&2; tail -n 30 "$LOG" >&2
      die "dockerd exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      echo "--- tail of $LOG" >&2; tail -n 30 "$LOG" >&2
      die "docker info did not answer within ${START_TIMEOUT}s (dockerd pid $pid left running)"
    fi
    sleep 0.2
  done
  # dockerd's own pidfile is authoritative (in case setsid forked).
  [[ -f $PIDFILE ]] && pid=$(cat "$PIDFILE") && echo "$pid" >"$STARTED"
  say "engine up (pid $pid, $(docker info --format '{{.ServerVersion}}'))"
}

swarm() {
  answers || die "no engine answers; run '$0 start' first"
  local state; state=$(docker info --format '{{.Swarm.LocalNodeState}}')
  if [[ $state == active ]]; then
    # A restored data root may already be a manager: fine. A worker is not usable.
    [[ $(docker info --format '{{.Swarm.ControlAvailable}}') == true ]] \
      || die "this node is a swarm worker, not a manager"
    say "swarm already active (manager)"
    return 0
  fi
  say "initialising swarm (was: $state)"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  touch "$SWARM_MARK"
  say "swarm active"
}

stop() {
  if [[ ! -f $STARTED ]]; then say "engine not started by this script; leaving it alone"; return 0; fi
  local pid; pid=$(cat "$STARTED")
  if ! is_dockerd "$pid"; then say "dockerd $pid no longer running"; rm -f "$STARTED"; return 0; fi
  if [[ -f $SWARM_MARK ]] && answers; then
    say "leaving the swarm we initialised"
    docker swarm leave --force >/dev/null 2>&1 || say "swarm leave failed (ignored)"
    rm -f "$SWARM_MARK"
  fi
  say "stopping dockerd pid $pid"
  kill -TERM "$pid"
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then say "still alive after ${STOP_TIMEOUT}s, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  rm -f "$STARTED"
  say "stopped"
}

status() {
  if answers; then
    say "engine answers: $(docker info --format '{{.ServerVersion}} swarm={{.Swarm.LocalNodeState}}')"
  else
    say "no engine answers on /var/run/docker.sock"
  fi
  if [[ -f $STARTED ]] && is_dockerd "$(cat "$STARTED")"; then say "started by us: pid $(cat "$STARTED")"; fi
  if [[ -f $SWARM_MARK ]]; then say "swarm initialised by us"; fi
}

case "${1:-}" in
  start) start ;; swarm) swarm ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 start|swarm|stop|status" >&2; exit 2 ;;
esac
