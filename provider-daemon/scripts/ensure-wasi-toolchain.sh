#!/usr/bin/env bash
# Makes sure this machine can compile C to wasm32-wasi, as the WASI tests do: Debian's clang,
# lld (wasm-ld) and wasi-libc. Only tests need it; a provider runs .wasm without it.
# Installs the packages when missing (root on Debian); elsewhere it says what is missing.
set -euo pipefail

log() { echo "[wasi-toolchain] $*" >&2; }

# Compiles a one-line program: the real test of clang + wasm-ld + wasi-libc together.
works() {
  local dir
  dir=$(mktemp -d)
  printf '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n' >"$dir/t.c"
  clang --target=wasm32-wasi -O2 -o "$dir/t.wasm" "$dir/t.c" >/dev/null 2>&1
  local status=$?
  rm -rf "$dir"
  return $status
}

command -v clang >/dev/null && works && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "clang, lld and wasi-libc are needed to compile C to wasm32-wasi; install them (Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32)."
  exit 1
fi
log "installing clang, lld and wasi-libc from Debian packages"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32 >/dev/null
works || { log "clang still cannot build a wasm32-wasi program"; exit 1; }
