/**
 * `@orange-cloud/sdk/devnet`: a local chain for the devnet, tests and the
 * benchmark. anvil, the Superfluid framework with a test super token, the
 * market, and funding. Kept out of the root export so that shells which
 * never deploy anything (the VS Code extension) never bundle it.
 */
export * from './anvil.js';
export * from './devnet-chain.js';
export * from '../payments/superfluid-artifacts.js';
export * from '../payments/superfluid-devnet.js';
