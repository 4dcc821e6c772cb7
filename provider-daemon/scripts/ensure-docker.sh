#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock.
# On a Debian machine where we are root, installs docker.io and starts dockerd
# (no systemd here). Elsewhere it only reports what is missing.
set -euo pipefail

log() { echo "[ensure-docker] $*" >&2; }

engine_up() { docker info >/dev/null 2>&1; }

if engine_up; then exit 0; fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "No Docker engine answers and this script can only install one as root on Debian."
  log "Install Docker Engine and start it, then retry."
  exit 1
fi

if ! command -v dockerd >/dev/null; then
  log "installing docker.io from Debian packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! engine_up; then
  log "starting dockerd"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    engine_up && break
    sleep 0.5
  done
fi

engine_up || { log "dockerd did not come up; see /var/log/dockerd.log"; exit 1; }
log "Docker engine is up"
