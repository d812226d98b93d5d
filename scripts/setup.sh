#!/usr/bin/env bash
# Install the Debian packages the build, tests, demo and bench need.
# Idempotent: when everything is present it only runs one dpkg-query (~10 ms).
set -euo pipefail

# haproxy 2.6, dockerd 20.10 (+ its own /usr/bin/docker client), debootstrap for the
# offline base image, wrk for the bench, socat/redis-cli/dnsmasq for tests, chromium for the status
# page's browser test, prometheus for promtool (the alert rules' check).
PKGS=(haproxy docker.io debootstrap wrk socat dnsmasq-base iproute2 redis-tools openssl curl chromium prometheus)

if [[ $(id -u) -ne 0 ]]; then echo "setup.sh: must run as root" >&2; exit 1; fi

missing() {
  # dpkg-query prints "ii " for installed packages; anything else (or absent) is missing.
  local installed
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PKGS[@]}" 2>/dev/null | awk '$2=="ii"{print $1}' || true)
  local p
  for p in "${PKGS[@]}"; do grep -qx "$p" <<<"$installed" || echo "$p"; done
}

mapfile -t TODO < <(missing)
if [[ ${#TODO[@]} -eq 0 ]]; then echo "setup.sh: all packages present"; exit 0; fi

echo "setup.sh: installing: ${TODO[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q

# dnsmasq-base is in bookworm; fall back to full dnsmasq only if a mirror lacks it.
FALLBACK_DNSMASQ=0
if printf '%s\n' "${TODO[@]}" | grep -qx dnsmasq-base && ! apt-cache show dnsmasq-base >/dev/null 2>&1; then
  mapfile -t TODO < <(printf '%s\n' "${TODO[@]}" | sed 's/^dnsmasq-base$/dnsmasq/')
  FALLBACK_DNSMASQ=1
fi

# Packages like docker.io call invoke-rc.d to start their daemon; there is no systemd
# here, so forbid service starts during the install (exit 101 = "action not allowed").
# We start dockerd ourselves (scripts/dockerd.sh). Keep an existing policy-rc.d as is.
POLICY=/usr/sbin/policy-rc.d
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"; chmod +x "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi

apt-get install -y -q --no-install-recommends "${TODO[@]}"

if [[ $FALLBACK_DNSMASQ -eq 1 ]]; then
  # Tests run dnsmasq as their own stub; the system service must not hold port 53.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now dnsmasq >/dev/null 2>&1 || true
  else
    update-rc.d dnsmasq disable >/dev/null 2>&1 || true
    if [[ -f /run/dnsmasq/dnsmasq.pid ]]; then kill "$(cat /run/dnsmasq/dnsmasq.pid)" 2>/dev/null || true; fi
  fi
  # The no-op check looks for dnsmasq-base, which the dnsmasq package depends on anyway.
fi
echo "setup.sh: done"
