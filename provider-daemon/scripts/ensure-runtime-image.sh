#!/usr/bin/env bash
# Makes sure the runtime images the provider daemon runs jobs in exist and are current:
#   python3      orange-cloud/python:3       Python 3 and pip
#   python-data  orange-cloud/python-data:3  the same plus numpy, pandas, scipy, matplotlib, scikit-learn
#   node, wasi   orange-cloud/node:18        Debian's Node.js 18 (runs .js/.mjs/.cjs with
#                                            ../image/project-relative-errors.cjs preloaded, and
#                                            .wasm through Node's WASI with ../image/wasi-run.mjs)
# Usage: ensure-runtime-image.sh [RUNTIME...]   (default: all)
#
# An image is current when its orange-cloud.recipe label equals the recipe below; an image
# without it (e.g. one built before pip was added) is rebuilt. A new image is built under a
# temporary tag, tried in a hardened container, and only then takes its final name, so a failed
# build never replaces an image that works.
# The Python images: prefers the official python:3.12-slim image; where no image registry is
# reachable, builds them offline from Debian packages (needs root on Debian). The node image is
# always built from Debian 12 packages, so its Node.js is the one the catalog names (18). It
# holds Python too: the job bootstrap (unpack, run, collect out/) is the same Python program
# for every runtime, and runs the entry with the catalog's command as its child.
set -euo pipefail

PYTHON_IMAGE="${ORANGE_RUNTIME_IMAGE:-orange-cloud/python:3}"
DATA_IMAGE="${ORANGE_DATA_IMAGE:-orange-cloud/python-data:3}"
NODE_IMAGE="${ORANGE_NODE_IMAGE:-orange-cloud/node:18}"
# Bump when a recipe changes: images built from an older recipe are rebuilt.
RECIPE_PYTHON=python3-pip-2
RECIPE_DATA=python-data-2
RECIPE_NODE=node18-wasi-2
NODE_DEBIAN_PACKAGES=python3,nodejs
IMAGE_FILES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../image" && pwd)"
DATA_PIP_PACKAGES=(numpy pandas scipy matplotlib scikit-learn)
DATA_DEBIAN_PACKAGES=python3-numpy,python3-pandas,python3-scipy,python3-matplotlib,python3-sklearn
# Debian's scipy depends on pythran, which brings a C++ toolchain, Boost and development headers
# (~460 MB) that nothing needs at run time; perl comes with mailcap. A job never compiles (its
# scratch is noexec), so they are purged: 1.24 GB -> 731 MB. The smoke test proves scipy still loads.
DATA_PURGE=(python3-pythran python3-beniget python3-gast python3-ply libxsimd-dev libboost-dev
  libboost1.74-dev g++ g++-12 gcc gcc-12 cpp cpp-12 libstdc++-12-dev libgcc-12-dev libc6-dev
  libc-dev-bin linux-libc-dev libcrypt-dev libnsl-dev libtirpc-dev rpcsvc-proto binutils
  binutils-common binutils-x86-64-linux-gnu libbinutils libctf0 libctf-nobfd0 libgprofng0
  libjansson4 libasan8 libtsan2 liblsan0 libubsan1 libitm1 libcc1-0 libisl23 libmpc3 libmpfr6
  libopenblas-dev libopenblas-pthread-dev python3-all-dev python3-dev python3.11-dev
  libpython3-all-dev libpython3-dev libpython3.11-dev libexpat1-dev zlib1g-dev libjs-sphinxdoc
  libjs-jquery libjs-underscore python3-all perl perl-modules-5.36 libperl5.36 mailcap mime-support)

log() { echo "[runtime-image] $*" >&2; }

# The job runs as uid 10001 with PYTHONUNBUFFERED so output lines arrive when printed; HOME is
# the job's tmpfs. MPLBACKEND=Agg lets matplotlib write image files without a display;
# SETUPTOOLS_USE_DISTUTILS=stdlib keeps setuptools' "replacing distutils" warning out of jobs' stderr.
changes() {
  local recipe=$1
  CHANGES=(--change 'ENV PYTHONUNBUFFERED=1' --change 'ENV PYTHONDONTWRITEBYTECODE=1'
    --change 'ENV HOME=/tmp' --change 'ENV MPLBACKEND=Agg' --change 'ENV SETUPTOOLS_USE_DISTUTILS=stdlib'
    --change 'USER 10001:10001'
    --change 'WORKDIR /tmp' --change "LABEL orange-cloud.recipe=$recipe")
}

current() { # IMAGE RECIPE
  [ "$(docker image inspect -f '{{index .Config.Labels "orange-cloud.recipe"}}' "$1" 2>/dev/null)" = "$2" ]
}

# What every image must do, in the same hardening as a job (no network, read-only root, tmpfs).
SMOKE_PYTHON='import json, sqlite3, ssl, pip; print("ok")'
SMOKE_DATA='import numpy, pandas, scipy.stats, scipy.optimize, sklearn.linear_model, matplotlib.pyplot as plt, pip
plt.plot(numpy.arange(3)); plt.savefig("/tmp/smoke.png"); print("ok")'
# The node image runs the bootstrap's Python, Node.js, the WASI runner's flags, and the preload
# that prints a crash with project-relative paths.
SMOKE_NODE='import ctypes, subprocess
node = subprocess.run(["node", "-e", "require(\"node:child_process\"); console.log(process.version.split(\".\")[0])"], capture_output=True, text=True).stdout.strip()
wasi = subprocess.run(["node", "--experimental-wasi-unstable-preview1", "--no-warnings", "--input-type=module", "-e", "import { WASI } from \"node:wasi\"; new WASI({ version: \"preview1\" }); import(\"/usr/lib/orange-cloud/wasi-run.mjs\").catch(() => {})"], capture_output=True, text=True)
open("/tmp/crash.js", "w").write("throw new Error(\"smoke\")\n")
crash = subprocess.run(["node", "--require", "/usr/lib/orange-cloud/project-relative-errors.cjs", "crash.js"], cwd="/tmp", capture_output=True, text=True)
print("ok" if node == "v18" and wasi.returncode == 2 and "no module to run" in wasi.stderr and crash.returncode == 1 and crash.stderr.startswith("Error: smoke\n    at Object.<anonymous> (crash.js:1:7)") else "node %r wasi %r crash %r" % (node, wasi.stderr, crash.stderr))'
smoke() { # IMAGE CODE
  docker run --rm --network none --read-only --tmpfs /tmp:rw,nosuid,nodev,noexec,size=64m \
    --cap-drop ALL --security-opt no-new-privileges:true "$1" python3 -I -c "$2" | grep -qx ok
}

# Tags a candidate with its final name once it passed its smoke test.
promote() { # CANDIDATE IMAGE CODE
  if ! smoke "$1" "$3"; then
    docker rmi "$1" >/dev/null 2>&1 || true
    log "the new $2 failed its smoke test; kept whatever was there"
    return 1
  fi
  local previous
  previous=$(docker image inspect -f '{{.Id}}' "$2" 2>/dev/null || true)
  docker tag "$1" "$2"
  docker rmi "$1" >/dev/null
  # the image it replaced, unless a container still uses it
  [ -z "$previous" ] || docker rmi "$previous" >/dev/null 2>&1 || true
  log "built $2 ($(docker image inspect -f '{{.Size}}' "$2" | awk '{ printf "%d MB", $1 / 1e6 }'))"
}

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(python3 python-data node)
todo=()
debian_only=()
for runtime in "${wanted[@]}"; do
  case $runtime in
    python3) current "$PYTHON_IMAGE" "$RECIPE_PYTHON" || todo+=(python3) ;;
    python-data) current "$DATA_IMAGE" "$RECIPE_DATA" || todo+=(python-data) ;;
    node | wasi) current "$NODE_IMAGE" "$RECIPE_NODE" || [[ " ${debian_only[*]-} " == *" node "* ]] || debian_only+=(node) ;;
    *) log "unknown runtime $runtime (known: python3 python-data node wasi)"; exit 2 ;;
  esac
done
[ $((${#todo[@]} + ${#debian_only[@]})) -gt 0 ] || exit 0

from_registry() { # RUNTIME
  local recipe=$RECIPE_PYTHON image=$PYTHON_IMAGE code=$SMOKE_PYTHON cid
  local install=(true)
  if [ "$1" = python-data ]; then
    recipe=$RECIPE_DATA image=$DATA_IMAGE code=$SMOKE_DATA
    install=(pip install --no-cache-dir -q "${DATA_PIP_PACKAGES[@]}")
  fi
  changes "$recipe"
  log "making $image from python:3.12-slim"
  cid=$(docker create python:3.12-slim "${install[@]}")
  docker start -a "$cid" >/dev/null
  docker export "$cid" | docker import "${CHANGES[@]}" \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$image-candidate" >/dev/null
  docker rm "$cid" >/dev/null
  promote "$image-candidate" "$image" "$code"
}

if [ ${#todo[@]} -gt 0 ] && timeout 60 docker pull -q python:3.12-slim >/dev/null 2>&1; then
  for runtime in "${todo[@]}"; do from_registry "$runtime"; done
  todo=()
fi
python_left=${#todo[@]}
todo+=(${debian_only[@]+"${debian_only[@]}"})
[ ${#todo[@]} -gt 0 ] || exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  # Asked for nothing by name and only the node image is left: the Python runtimes still work.
  if [ "$#" = 0 ] && [ "$python_left" = 0 ]; then
    log "skipped orange-cloud/node:18 (node, wasi): it is built from Debian packages, which needs root on Debian"
    exit 0
  fi
  log "cannot build ${todo[*]} offline from Debian packages (needs root on Debian)"
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

work=$(mktemp -d)
# debootstrap mounts /proc and /sys inside the rootfs while it installs and unmounts them when it
# ends; should one stay behind (a killed build), unmount it before deleting, never delete through it.
unmount_under() { awk -v w="$1" 'index($2, w "/") == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l; }
trap 'unmount_under "$work"; rm -rf "$work"' EXIT
# Both images share the packages they have in common: downloaded once per run.
mkdir "$work/cache"

# debootstrap installs Depends only (never Recommends), which keeps the images lean.
from_debian() { # RUNTIME
  local recipe=$RECIPE_PYTHON image=$PYTHON_IMAGE code=$SMOKE_PYTHON include=python3,python3-pip
  if [ "$1" = python-data ]; then
    recipe=$RECIPE_DATA image=$DATA_IMAGE code=$SMOKE_DATA include=$include,$DATA_DEBIAN_PACKAGES
  elif [ "$1" = node ]; then
    recipe=$RECIPE_NODE image=$NODE_IMAGE code=$SMOKE_NODE include=$NODE_DEBIAN_PACKAGES
  fi
  local rootfs="$work/$1"
  changes "$recipe"
  log "building $image from Debian $codename ($include) via $mirror"
  # Two stages so that dpkg, which installs the packages in the second, skips its fsync per
  # file (force-unsafe-io): the rootfs is thrown away if the build fails anyway. ~40% faster.
  debootstrap --foreign --variant=minbase --cache-dir="$work/cache" --include="$include" \
    "$codename" "$rootfs" "$mirror" >/dev/null
  mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
  echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/orange-build-unsafe-io"
  PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" /debootstrap/debootstrap --second-stage >/dev/null
  if [ "$1" = python-data ]; then
    PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$rootfs" dpkg --purge --force-depends "${DATA_PURGE[@]}" >/dev/null 2>&1
  fi
  rm "$rootfs/etc/dpkg/dpkg.cfg.d/orange-build-unsafe-io"
  if [ "$1" = node ]; then
    install -D -m 0644 -t "$rootfs/usr/lib/orange-cloud" "$IMAGE_FILES/wasi-run.mjs" \
      "$IMAGE_FILES/project-relative-errors.cjs"
  fi
  echo 'runner:x:10001:10001:Orange Cloud job:/tmp:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  echo 'runner:x:10001:' >>"$rootfs/etc/group"
  rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  tar -C "$rootfs" -c . | docker import "${CHANGES[@]}" \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$image-candidate" >/dev/null
  unmount_under "$rootfs"
  rm -rf "$rootfs"
  promote "$image-candidate" "$image" "$code"
}

for runtime in "${todo[@]}"; do from_debian "$runtime"; done
