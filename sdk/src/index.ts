/**
 * The Orange Cloud protocol, once: both the requester (CLI, VS Code) and the
 * provider daemon build on these modules. A local chain for the devnet and tests
 * is `@orange-cloud/sdk/devnet`.
 */
export * from './errors.js';
export * from './keys/mnemonic.js';
export * from './keys/umbral-keys.js';
export * from './keys/keystore.js';
export * from './crypto/envelope.js';
export * from './crypto/result-box.js';
export * from './job/payload.js';
export * from './project/pack-project.js';
export * from './project/project-summary.js';
export * from './dependencies/index.js';
export * from './job/manifest.js';
export * from './job/document-signature.js';
export * from './job/result.js';
export * from './job/tar-entries.js';
export * from './job/sealed-outputs.js';
export * from './store/index.js';
export * from './chain/chain-errors.js';
export * from './chain/market-client.js';
export * from './chain/market-index.js';
export * from './chain/deploy-market.js';
export * from './config/paths.js';
export * from './config/networks.js';
export * from './requester/capacity.js';
export * from './requester/run-job.js';
export * from './requester/job-result.js';
export * from './requester/job-outputs.js';
export * from './requester/session.js';
export * from './live/stream-cipher.js';
export * from './live/live-events.js';
export * from './live/follow-live.js';
export * from './provider/provider-job.js';
export * from './payments/streaming-market.js';
export * from './payments/superfluid-abis.js';
export * from './payments/job-payment.js';
export * from './payments/payment-terms.js';
export * from './payments/payment-defaults.js';
export * from './payments/payment-text.js';
export * from './payments/payment-check.js';
export * from './runtime/runtime-descriptor.js';
export * from './runtime/runtime-catalog.js';
export * from './runtime/python-imports.js';
export * from './runtime/project-imports.js';
export * from './runtime/runtime-choice.js';
export * from './runtime/version-specifiers.js';
export * from './market/offer.js';
export * from './market/quote-wire.js';
export * from './requester/provider-fit.js';
export * from './requester/ask-for-offer.js';
export * from './requester/offer-check.js';
export * from './requester/quotes.js';
export * from './requester/match-preview.js';
export * from './requester/market-quotes.js';
export * from './requester/job-wait.js';
export type { DetachedOutcome, RunResult } from './requester/run-types.js';
