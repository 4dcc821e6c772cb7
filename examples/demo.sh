#!/usr/bin/env bash
# The main job, end to end on one machine: bring up the devnet (anvil, the
# Superfluid framework and the market, a provider daemon with its IPFS node,
# Docker and the runtime image), let the market stream the demo wallet's
# payments, then run examples/hello.py through the requester CLI and print
# its output and what it cost.
set -euo pipefail
cd "$(dirname "$0")/.."
npx orange devnet up
npx orange pay authorize
npx orange run examples/hello.py
