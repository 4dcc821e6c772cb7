#!/usr/bin/env bash
# Runs forge offline with the solcjs wrapper (forge cannot download solc here).
# Usage: bash scripts/forge.sh <forge args...>   e.g. build, test --gas-report
set -euo pipefail

contracts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$contracts_dir"
export PATH="$contracts_dir/node_modules/.bin:$contracts_dir/../node_modules/.bin:$PATH"

forge "$@" --use "$contracts_dir/scripts/solc-wrapper" --offline
