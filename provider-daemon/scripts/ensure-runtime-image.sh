#!/usr/bin/env bash
# Makes sure the Python runtime image the provider daemon runs jobs in exists.
# Prefers the official python:3.12-slim image; where no image registry is
# reachable, builds an equivalent image offline from Debian packages.
set -euo pipefail

IMAGE="${ORANGE_RUNTIME_IMAGE:-orange-cloud/python:3}"
log() { echo "[runtime-image] $*" >&2; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then exit 0; fi

# The job runs as uid 10001 with PYTHONUNBUFFERED so output lines arrive when printed.
CHANGES=(--change 'ENV PYTHONUNBUFFERED=1' --change 'ENV PYTHONDONTWRITEBYTECODE=1'
         --change 'ENV HOME=/tmp' --change 'USER 10001:10001' --change 'WORKDIR /tmp')

if timeout 60 docker pull -q python:3.12-slim >/dev/null 2>&1; then
  log "tagging python:3.12-slim as $IMAGE"
  cid=$(docker create python:3.12-slim)
  docker export "$cid" | docker import "${CHANGES[@]}" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$IMAGE" >/dev/null
  docker rm "$cid" >/dev/null
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "cannot pull python:3.12-slim and cannot build offline (needs root on Debian)"
  exit 1
fi

command -v debootstrap >/dev/null || {
  log "installing debootstrap"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

# The mirror apt already uses for this release's main suite (deb822 or one-line sources).
. /etc/os-release
codename="${VERSION_CODENAME:-bookworm}"
mirror=$(awk -v c="$codename" '
  /^URIs:/ { uri = $2 }
  /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) found = uri }
  /^$/ { uri = "" }
  END { print found }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { log "no Debian mirror for $codename found in apt sources"; exit 1; }

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
log "building $IMAGE from Debian $codename (python3) via $mirror"
debootstrap --variant=minbase --include=python3 "$codename" "$rootfs" "$mirror" >/dev/null
echo 'runner:x:10001:10001:Orange Cloud job:/tmp:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
echo 'runner:x:10001:' >>"$rootfs/etc/group"
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
tar -C "$rootfs" -c . | docker import "${CHANGES[@]}" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$IMAGE" >/dev/null
log "built $IMAGE"
