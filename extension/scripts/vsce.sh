#!/usr/bin/env bash
# Runs vsce, which packages the extension as a .vsix (`npm run package`). vsce and its ~230
# packages (the Azure SDK, secretlint, vsce-sign: ~130 MB) serve packaging only, so they are not
# in the repository's install: tools/vsce has its own package.json and lockfile and is installed
# here on first use, as scripts/install-code-server.sh does for code-server.
# Usage: bash scripts/vsce.sh <vsce args...>
set -euo pipefail

tools="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools/vsce" && pwd)"
installed="$tools/node_modules/.package-lock.json"
if [[ ! -x "$tools/node_modules/.bin/vsce" || "$tools/package-lock.json" -nt "$installed" ]]; then
  echo "vsce.sh: installing vsce into $tools (first use)" >&2
  # npm 11 runs no dependency's install script here (no allowScripts): as in the main install.
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
exec "$tools/node_modules/.bin/vsce" "$@"
