#!/usr/bin/env bash
# Build the offline base image (no registry can be reached here, so no FROM node/debian):
# a debootstrapped Debian bookworm with haproxy, redis-server, tini and the host's node.
# Skips when the image already exists. Env: BASE_IMAGE (default flowproxy/base:bookworm),
# MIRROR (default: the Debian mirror from this machine's apt sources).
set -euo pipefail

BASE_IMAGE=${BASE_IMAGE:-flowproxy/base:bookworm}
say() { echo "build-base.sh: $*"; }
die() { echo "build-base.sh: ERROR: $*" >&2; exit 1; }

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then say "$BASE_IMAGE exists, skipping"; exit 0; fi
[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap missing; run scripts/setup.sh"

# The mirror apt already uses (the only one reachable): first bookworm entry of
# a one-line sources.list or a deb822 *.sources file (security suites excluded).
find_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk '$1=="deb" && / bookworm( |$)/ { for (i=2;i<=NF;i++) if ($i ~ /^https?:/) { print $i; exit } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    # Paragraphs are separated by blank lines; pick one whose Suites list has plain "bookworm".
    awk -v RS= '/\nSuites:[^\n]*[ \t]bookworm([ \t\n]|$)/ { if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { s=substr($0,RSTART,RLENGTH); sub(/URIs:[ \t]*/,"",s); print s; exit } }' "$f"
  done
}
MIRROR=${MIRROR:-$(find_mirror | head -n1)}
[[ -n $MIRROR ]] || die "no bookworm mirror found in /etc/apt/sources.list*; set MIRROR"
NODE_BIN=$(readlink -f "$(command -v node)") || die "node not found on the host"

T0=$SECONDS
ROOTFS=$(mktemp -d /var/tmp/flowproxy-base.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT

# tini is in bookworm (0.19): PID 1 that reaps zombies and forwards signals to HAProxy/node.
# libstdc++6 is needed by node (apt pulls it in anyway; listed to be explicit).
say "debootstrap bookworm from $MIRROR into $ROOTFS"
debootstrap --variant=minbase --include=haproxy,ca-certificates,redis-server,tini,libstdc++6 \
  bookworm "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 \
  || { tail -n 30 "$ROOTFS.log" >&2; rm -f "$ROOTFS.log"; die "debootstrap failed"; }
rm -f "$ROOTFS.log"

say "adding node $("$NODE_BIN" -v) and user app (10001)"
install -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
chroot "$ROOTFS" /usr/sbin/useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin app
chroot "$ROOTFS" /usr/local/bin/node -e 'process.exit(0)' || die "node does not run inside the rootfs"

# Caches, lists and docs are dead weight in an image that never runs apt.
chroot "$ROOTFS" apt-get clean
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/log/*.log

say "importing as $BASE_IMAGE"
# docker import has no ENV/CMD of its own; give it a sane PATH and a default shell.
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
say "built $BASE_IMAGE in $((SECONDS - T0))s, size $(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
