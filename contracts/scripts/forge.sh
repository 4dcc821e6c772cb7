#!/usr/bin/env bash
# Runs forge offline with the solcjs wrapper (forge cannot download solc here).
# Usage: bash scripts/forge.sh <forge args...>   e.g. build, test --gas-report
set -euo pipefail

contracts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$contracts_dir"
export PATH="$contracts_dir/node_modules/.bin:$contracts_dir/../node_modules/.bin:$PATH"

# The native binary from the platform package, not the npm `forge` shim: the shim
# exits 0 even when forge fails (a failing test run would pass CI).
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-amd64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  Darwin-x86_64) platform=darwin-amd64 ;;
  *) echo "forge.sh: no forge binary for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
forge_bin=""
for dir in "$contracts_dir/node_modules" "$contracts_dir/../node_modules"; do
  if [[ -x "$dir/@foundry-rs/forge-$platform/bin/forge" ]]; then
    forge_bin="$dir/@foundry-rs/forge-$platform/bin/forge"
    break
  fi
done
[[ -n "$forge_bin" ]] || { echo "forge.sh: @foundry-rs/forge-$platform not installed (run npm install)" >&2; exit 1; }

if [[ "${1:-}" == fmt ]]; then exec "$forge_bin" "$@"; fi
exec "$forge_bin" "$@" --use "$contracts_dir/scripts/solc-wrapper" --offline
