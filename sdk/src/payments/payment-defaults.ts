// Constants the shells show in their help and forms. Kept apart from the
// modules that talk to the chain so a shell can read them without loading
// viem (`orange --help` must start at once).

/** The allowance `orange pay authorize` and the extension offer, in tokens per second. */
export const DEFAULT_ALLOWANCE = '0.01';

/**
 * Superfluid deploys its CFAv1Forwarder at this one address on every network it runs on;
 * `orange deploy` uses it unless told otherwise. The devnet has its own deployment.
 */
export const CANONICAL_CFA_V1_FORWARDER = '0xcfA132E353cB4E398080B9700609bb008eceB125' as const;
