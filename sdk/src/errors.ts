/**
 * Every code an OrangeError can carry, once, so that a program switching on a code (the
 * extension's error actions, the CLI's JSON output) is checked by the compiler: a misspelt or
 * retired code does not compile. Add a code here when a new failure needs its own.
 */
export type OrangeErrorCode =
  | 'ABORTED'
  | 'ANVIL_FAILED'
  | 'ANVIL_MISSING'
  | 'BAD_AMOUNT'
  | 'BINARY_SCRIPT'
  | 'CANNOT_CANCEL'
  | 'CHAIN_ERROR'
  | 'CONFIG_EXISTS'
  | 'CONFIG_INVALID'
  | 'CONTENT_CORRUPT'
  | 'CONTENT_NOT_FOUND'
  | 'CONTENT_TIMEOUT'
  | 'CONTENT_TOO_LARGE'
  | 'DECRYPT_FAILED'
  | 'DEPENDENCIES_INVALID'
  | 'DEPENDENCY_NOT_IN_RUNTIME'
  | 'DEPENDENCY_NO_WHEEL'
  | 'DEPENDENCY_TARGET_UNKNOWN'
  | 'DEPENDENCY_UNSUPPORTED'
  | 'DEVNET_DOWN'
  | 'DEVNET_STATE_CORRUPT'
  | 'DOCKER_UNAVAILABLE'
  | 'EMPTY_SCRIPT'
  | 'FILE_NOT_FOUND'
  | 'FUND_DEVNET_ONLY'
  | 'IMPORTS_MISSING'
  | 'INSUFFICIENT_FUNDS'
  | 'INVALID_CID'
  | 'INVALID_JOB_ID'
  | 'INVALID_KEY_LABEL'
  | 'INVALID_MASTER_SECRET'
  | 'INVALID_MNEMONIC'
  | 'INVALID_MULTIADDR'
  | 'INVALID_PRIVATE_KEY'
  | 'INVALID_PUBLIC_KEY'
  | 'INVALID_RUN_SPEC'
  | 'INVALID_SETTINGS'
  | 'INVALID_STORE_CONFIG'
  | 'INVALID_STORE_URL'
  | 'KEYFRAG_INVALID'
  | 'KEYSTORE_CORRUPT'
  | 'KEYSTORE_UNREADABLE'
  | 'LIVE_OUTPUT_TAMPERED'
  | 'LIVE_UNAUTHORIZED'
  | 'MACHINE_NOT_READY'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_NOT_BOUND'
  | 'MARKET_NOT_DEPLOYED'
  | 'MARKET_NOT_PAYING'
  | 'NODE_MISSING'
  | 'NOT_A_FILE'
  | 'NOT_WASI_MODULE'
  | 'NOT_YOUR_JOB'
  | 'NO_FILE'
  | 'NO_OFFER'
  | 'NO_PROVIDER'
  | 'NO_RESULT'
  | 'NO_WALLET'
  | 'NPM_FAILED'
  | 'NPM_INSTALL_SCRIPTS'
  | 'NPM_MISSING'
  | 'OFFER_INVALID'
  | 'OUTPUTS_DIR_EXISTS'
  | 'OUTPUTS_DIR_UNUSABLE'
  | 'OUTPUTS_ENTRY_REFUSED'
  | 'OUTPUTS_INVALID'
  | 'OUTPUTS_MISMATCH'
  | 'OUTPUTS_WRITE_FAILED'
  | 'PASSPHRASE_MISMATCH'
  | 'PASSPHRASE_NEEDED'
  | 'PAYLOAD_INVALID'
  | 'PAY_ALLOWANCE'
  | 'PAY_ALLOWANCE_SPENT'
  | 'PAY_APPROVE'
  | 'PAY_AUTHORIZE'
  | 'PAY_CANNOT_AFFORD'
  | 'PAY_NOT_AUTHORIZED'
  | 'PAY_RATE_TOO_HIGH'
  | 'PEER_UNREACHABLE'
  | 'PIP_FAILED'
  | 'PIP_MISSING'
  | 'PROJECT_BAD_NAME'
  | 'PROJECT_ENTRY_OUTSIDE'
  | 'PROJECT_LINK_OUTSIDE'
  | 'PROJECT_TOO_LARGE'
  | 'PROVIDER_FAILED'
  | 'PROVIDER_NOT_RUNNING'
  | 'QUOTE_INVALID'
  | 'REQUIRES_PYTHON_UNMET'
  | 'RESULT_INVALID'
  | 'RESULT_NOT_SIGNED'
  | 'RESULT_WRONG_JOB'
  | 'RPC_UNREACHABLE'
  | 'RUNTIMES_INVALID'
  | 'RUNTIME_IMAGE_MISSING'
  | 'RUNTIME_NOT_OFFERED'
  | 'RUNTIME_PROBE_FAILED'
  | 'RUNTIME_UNSUPPORTED'
  | 'SANDBOX_FAILED'
  | 'SCRIPT_TOO_LARGE'
  | 'STATE_DB_UNUSABLE'
  | 'STORE_AUTH_FAILED'
  | 'STORE_CID_MISMATCH'
  | 'STORE_REQUEST_FAILED'
  | 'STORE_STOPPED'
  | 'STORE_UNREACHABLE'
  | 'SUBGRAPH_FAILED'
  | 'SUBGRAPH_NOT_CONFIGURED'
  | 'SUPERFLUID_ARTIFACT'
  | 'SUPERFLUID_DEPLOY'
  | 'SUPERFLUID_LINK'
  | 'SUPERFLUID_MISSING'
  | 'TX_REVERTED'
  | 'UNKNOWN_JOB'
  | 'UNKNOWN_NETWORK'
  | 'UNSUPPORTED_FILE'
  | 'WALLET_CORRUPT'
  | 'WALLET_DEVNET_ONLY'
  | 'WALLET_EXISTS'
  | 'WRONG_CHAIN'
  | 'WRONG_PASSPHRASE';

/**
 * Every error the protocol raises on purpose is an OrangeError: `message` is
 * written for the user (what happened and what to do), `code` is stable for
 * programs, and the low-level cause stays chained for logs.
 */
export class OrangeError extends Error {
  override readonly name: string = 'OrangeError';
  /** Stable machine-readable identifier, e.g. `EMPTY_SCRIPT`. */
  readonly code: OrangeErrorCode;
  /** One actionable sentence, shown after the message when present. */
  readonly hint: string | undefined;

  constructor(
    code: OrangeErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  /** The message followed by its hint: what a CLI or a notification shows. */
  get userMessage(): string {
    return this.hint ? `${this.message}\n${this.hint}` : this.message;
  }
}

export function isOrangeError(value: unknown): value is OrangeError {
  return value instanceof OrangeError;
}
