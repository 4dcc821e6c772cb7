#!/usr/bin/env bash
# The main job, end to end on one machine: bring up the devnet (anvil, the
# market, a provider daemon with its IPFS node, Docker and the runtime image),
# then run examples/hello.py through the requester CLI and print its output.
set -euo pipefail
cd "$(dirname "$0")/.."
npx orange devnet up
npx orange run examples/hello.py
