import type { ErrorAction } from '../errors/error-actions.js';

/** Every command the extension contributes (package.json lists the same ids). */
export const COMMANDS = {
  runFile: 'orangeCloud.runFile',
  runFileWithOptions: 'orangeCloud.runFileWithOptions',
  stopRun: 'orangeCloud.stopRun',
  showOutput: 'orangeCloud.showOutput',
  cancelJob: 'orangeCloud.cancelJob',
  rerunJob: 'orangeCloud.rerunJob',
  saveOutputs: 'orangeCloud.saveOutputs',
  copyJobId: 'orangeCloud.copyJobId',
  copyCids: 'orangeCloud.copyCids',
  refresh: 'orangeCloud.refresh',
  createWallet: 'orangeCloud.createWallet',
  importWallet: 'orangeCloud.importWallet',
  showAddress: 'orangeCloud.showAddress',
  exportWallet: 'orangeCloud.exportWallet',
  forgetWallet: 'orangeCloud.forgetWallet',
  selectNetwork: 'orangeCloud.selectNetwork',
  fundWallet: 'orangeCloud.fundWallet',
  authorizePayments: 'orangeCloud.authorizePayments',
  revokePayments: 'orangeCloud.revokePayments',
  startDevnet: 'orangeCloud.startDevnet',
  openSettings: 'orangeCloud.openSettings',
  showLog: 'orangeCloud.showLog',
  openWalkthrough: 'orangeCloud.openWalkthrough',
  shareStart: 'orangeCloud.share.start',
  sharePause: 'orangeCloud.share.pause',
  shareResume: 'orangeCloud.share.resume',
  shareStop: 'orangeCloud.share.stop',
  shareImportKey: 'orangeCloud.share.importKey',
  shareShowLog: 'orangeCloud.share.showLog',
  installDocker: 'orangeCloud.share.installDocker',
  installNode: 'orangeCloud.share.installNode',
  /** Not contributed: lets the end-to-end tests read what the user would see. */
  testState: 'orangeCloud.internal.testState',
} as const;

export const VIEW_CONTAINER = 'orangeCloud';
export const JOBS_VIEW = 'orangeCloud.jobs';
export const PROVIDERS_VIEW = 'orangeCloud.providers';
export const SHARE_VIEW = 'orangeCloud.share';
export const WALKTHROUGH = 'orange-cloud.orange-cloud-vscode#orangeCloud.setup';

export const ACTION_COMMANDS: Record<ErrorAction, string> = {
  openWalkthrough: COMMANDS.openWalkthrough,
  createWallet: COMMANDS.createWallet,
  importWallet: COMMANDS.importWallet,
  startDevnet: COMMANDS.startDevnet,
  openSettings: COMMANDS.openSettings,
  fundWallet: COMMANDS.fundWallet,
  authorizePayments: COMMANDS.authorizePayments,
  runWithOptions: COMMANDS.runFileWithOptions,
  showLog: COMMANDS.showLog,
  retry: COMMANDS.refresh,
  installDocker: COMMANDS.installDocker,
  installNode: COMMANDS.installNode,
};
