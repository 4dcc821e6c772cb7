import { OrangeError } from '@orange-cloud/sdk';

/** Buttons an error notification can offer; each maps to one command. */
export type ErrorAction =
  | 'openWalkthrough'
  | 'createWallet'
  | 'importWallet'
  | 'startDevnet'
  | 'openSettings'
  | 'fundWallet'
  | 'authorizePayments'
  | 'runWithOptions'
  | 'showLog'
  | 'retry'
  | 'installDocker'
  | 'installNode';

export const ACTION_LABELS: Record<ErrorAction, string> = {
  openWalkthrough: 'Open Setup Walkthrough',
  createWallet: 'Create Wallet',
  importWallet: 'Import Wallet',
  startDevnet: 'Start Devnet',
  openSettings: 'Open Settings',
  fundWallet: 'Fund Wallet',
  authorizePayments: 'Authorize Payments',
  runWithOptions: 'Run with Options…',
  showLog: 'Show Log',
  retry: 'Retry',
  installDocker: 'Install Docker',
  installNode: 'Install Node.js',
};

/** The extension's own error: no wallet in SecretStorage yet. */
export const noWallet = () =>
  new OrangeError('NO_WALLET', 'Orange Cloud has no wallet yet.', {
    hint: 'Create a new wallet or import a mnemonic or private key: the setup walkthrough shows how.',
  });

/**
 * The buttons that help with an error, most useful first. Anything that is
 * not an OrangeError is a bug or an unexpected failure: the log says more.
 */
export function actionsFor(error: unknown, network: string): ErrorAction[] {
  if (!(error instanceof OrangeError)) return ['showLog'];
  const onDevnet = network === 'devnet';
  switch (error.code) {
    case 'NO_WALLET':
      return ['openWalkthrough', 'createWallet', 'importWallet'];
    case 'INVALID_MNEMONIC':
    case 'INVALID_PRIVATE_KEY':
      return ['importWallet'];
    case 'DEVNET_DOWN':
    case 'DEVNET_STATE_CORRUPT':
      return ['startDevnet', 'openSettings', 'retry'];
    case 'RPC_UNREACHABLE':
      return onDevnet ? ['startDevnet', 'openSettings', 'retry'] : ['openSettings', 'retry'];
    case 'UNKNOWN_NETWORK':
    case 'MARKET_NOT_DEPLOYED':
    case 'MARKET_NOT_PAYING':
    case 'INVALID_SETTINGS':
    case 'INVALID_STORE_CONFIG':
    case 'INVALID_STORE_URL':
    case 'STORE_AUTH_FAILED':
    case 'STORE_UNREACHABLE':
      return ['openSettings', 'showLog'];
    // Refused before posting; the hint names the setting that changes what goes or where.
    case 'PROJECT_TOO_LARGE':
    case 'PROJECT_ENTRY_OUTSIDE':
    case 'PROJECT_LINK_OUTSIDE':
    case 'OUTPUTS_DIR_UNUSABLE':
    case 'NPM_INSTALL_SCRIPTS':
      return ['openSettings', 'showLog'];
    case 'INSUFFICIENT_FUNDS':
      return onDevnet ? ['fundWallet', 'showLog'] : ['showLog'];
    // The SDK refuses these before posting: nothing was spent, one command fixes them.
    case 'PAY_NOT_AUTHORIZED':
    case 'PAY_ALLOWANCE_SPENT':
      return ['authorizePayments', 'showLog'];
    case 'PAY_CANNOT_AFFORD':
      // Fewer cores or a shorter timeout lower the most a run can cost.
      return onDevnet ? ['fundWallet', 'runWithOptions', 'showLog'] : ['runWithOptions', 'showLog'];
    case 'NO_PROVIDER':
    case 'NO_OFFER':
      return onDevnet
        ? ['runWithOptions', 'startDevnet', 'showLog']
        : ['runWithOptions', 'showLog'];
    // Share Compute runs the daemon on this machine: one install fixes each.
    case 'DOCKER_UNAVAILABLE':
      return ['installDocker', 'showLog'];
    case 'NODE_MISSING':
      return ['installNode', 'showLog'];
    default:
      return ['showLog'];
  }
}

/** What a notification says: the OrangeError's message and hint, or a generic line plus the log. */
export function errorText(error: unknown): string {
  if (error instanceof OrangeError)
    return error.hint ? `${error.message} ${error.hint}` : error.message;
  return `Orange Cloud hit an unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}
