#!/usr/bin/env bash
# Installs code-server (a real VS Code: Node extension host + web UI) for the
# extension's end-to-end tests, offline, into extension/.e2e/code-server.
# Kept out of the workspace's npm install: ~330 MB that users never need.
# Recipe: ../../shared/vscode-e2e.md (its postinstall cannot download here, so
# every native module is rebuilt by hand and Debian's ripgrep stands in).
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.104.0}" # engines.node is "22", like the project's Node
HERE="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="$HERE/.e2e/code-server"
CS="$PREFIX/node_modules/code-server"
MARK="$PREFIX/.installed-$VERSION"

if [[ -f "$MARK" ]]; then
  echo "code-server $VERSION already installed in $PREFIX"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != "22" ]]; then
  echo "code-server $VERSION needs Node 22, found $(node --version): run this through npm (node_modules/.bin first on PATH)." >&2
  exit 1
fi

need_apt=()
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v chromium >/dev/null || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if ((${#need_apt[@]})); then
  echo "installing ${need_apt[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

mkdir -p "$PREFIX"
cd "$PREFIX"
# npm 11 runs no dependency's install script unless the project's package.json allows it.
cat >package.json <<'JSON'
{ "name": "code-server-e2e", "private": true, "allowScripts": { "argon2": true } }
JSON
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_audit=false npm_config_fund=false
npm install --ignore-scripts --no-package-lock "code-server@$VERSION"
(cd "$CS/lib/vscode" && npm install --omit=dev --ignore-scripts --no-package-lock)
(cd "$CS/lib/vscode/extensions" && npm install --omit=dev --ignore-scripts --no-package-lock)
NATIVE=(node-pty @parcel/watcher @vscode/spdlog native-watchdog)
(cd "$CS/lib/vscode" && for m in "${NATIVE[@]}"; do npm pkg set "allowScripts.$m=true" --json; done &&
  npm rebuild "${NATIVE[@]}")
npm rebuild argon2 # hoisted next to code-server, so rebuilt from this prefix
for binary in \
  "node_modules/argon2/lib/binding/napi-v3/argon2.node" \
  "$CS/lib/vscode/node_modules/node-pty/build/Release/pty.node" \
  "$CS/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" \
  "$CS/lib/vscode/node_modules/native-watchdog/build/Release/watchdog.node"; do
  [[ -f "$binary" ]] || { echo "native module missing after rebuild: $binary" >&2; exit 1; }
done
RG_DIR="$CS/lib/vscode/node_modules/@vscode/ripgrep/bin"
mkdir -p "$RG_DIR"
ln -sf "$(command -v rg)" "$RG_DIR/rg"
touch "$MARK"
echo "code-server $VERSION installed in $PREFIX"
