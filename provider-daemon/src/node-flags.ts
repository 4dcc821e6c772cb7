/**
 * The V8 flags the daemon runs with. A provider daemon is long-running and mostly waits (on the
 * chain, IPFS and Docker); its heavy work is Umbral (WASM), hashing and ciphers (Node's crypto)
 * and Docker, none of which is JavaScript that optimising compilation would speed up. So it
 * trades peak JavaScript speed for memory: a small young generation, V8's size-over-speed
 * heuristics, JavaScript interpreted only (no baseline or optimising compilers; WebAssembly is
 * still compiled). Measured by `npm run bench` on the devnet's daemon after 20 jobs: idle
 * resident memory 168-177 MB without these flags, 115-117 MB with them; `orange run` of hello.py
 * took 3.49 s without and 3.44 s with (p50), so the user waits no longer.
 *
 * bin/orange-provider.js repeats them in its `#!` line (a shebang cannot import); a unit test
 * keeps the two the same.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = [
  '--optimize-for-size',
  '--max-semi-space-size=1',
  '--no-opt',
  '--no-sparkplug',
  '--no-maglev',
];
