/**
 * `@orange-cloud/provider-daemon/testing`: a whole local network in one
 * process (anvil, the market, providers with their IPFS nodes and Docker,
 * requesters), for end-to-end tests and the benchmark.
 */
export * from './local-network.js';
export * from './sealed-job.js';
export * from './plaintext-scan.js';
export * from './capacity.js';
export * from './prometheus-text.js';
export { OfferNonces } from '../node/offer-nonces.js';
export { compileWasi } from './wasi-program.js';
