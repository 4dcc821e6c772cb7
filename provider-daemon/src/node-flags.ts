/**
 * The V8 flags the daemon runs with. A provider daemon is long-running and mostly waits (on the
 * chain, IPFS and Docker); its heavy work is Umbral (WASM), hashing and ciphers (Node's crypto)
 * and Docker, none of which is JavaScript that optimising compilation would speed up. So it
 * trades peak JavaScript speed for memory: a small young generation, V8's size-over-speed
 * heuristics, no optimising compiler. Measured by `npm run bench` (the daemon's idle resident
 * memory after 20 jobs): 175 MB without these flags, 122 MB with them.
 *
 * bin/orange-provider.js repeats them in its `#!` line (a shebang cannot import); a unit test
 * keeps the two the same.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = [
  '--optimize-for-size',
  '--max-semi-space-size=1',
  '--no-opt',
];
