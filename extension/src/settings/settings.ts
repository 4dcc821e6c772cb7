import { isAbsolute } from 'node:path';
import {
  MAX_PAYLOAD_BYTES,
  NETWORK_PRESETS,
  OrangeError,
  type ContentStoreConfig,
} from '@orange-cloud/sdk';

/**
 * What a run sends: the project found from the file (`auto`), the file alone, or a folder
 * named relative to the file's workspace folder.
 */
export type ProjectSetting =
  { mode: 'auto' } | { mode: 'file' } | { mode: 'folder'; folder: string };

/** The extension's settings once validated: what the rest of the code may rely on. */
export interface Settings {
  network: string;
  rpcUrl: string | undefined;
  marketAddress: `0x${string}` | undefined;
  /** The market's subgraph (its GraphQL query URL); undefined = the network preset's, if any. */
  subgraphUrl: string | undefined;
  ipfs: { mode: 'embedded' } | { mode: 'kubo'; url: string; authHeader: string | undefined };
  defaultCores: number;
  defaultMemoryMb: number;
  defaultTimeoutSec: number;
  /** The most a run pays per core-second; undefined = the dearest provider that fits. */
  priceCeiling: PriceCeilingSetting | undefined;
  project: ProjectSetting;
  /** Cap on the sealed project, in MiB. */
  maxProjectMb: number;
  /** Let a Node.js project's npm install scripts run in the provider's container (off: refused). */
  allowInstallScripts: boolean;
  /** How long a run waits for a busy provider to free up (0: fail at once). */
  waitForProviderSec: number;
  outputs: {
    /** Where returned files are saved: relative to the workspace folder, or absolute. */
    folder: string;
    /** Open returned images (PNG, JPEG, SVG) in editor tabs when the run ends. */
    openImages: boolean;
  };
}

/**
 * The price ceiling as set: an amount of the payment token typed by the user (`0.000001`), or
 * token wei from the deprecated `maxPricePerCoreSecond`. Token decimals come from the market,
 * so it becomes wei when a run knows them (`priceCeilingWei` in run/run-options.ts).
 */
export type PriceCeilingSetting = { tokens: string } | { wei: bigint };

/** Reads one raw setting (`orangeCloud.<key>`), as `WorkspaceConfiguration.get` does. */
export type SettingReader = (key: string) => unknown;
/** Whether the user set a key (in any scope), as opposed to it having its default. */
export type SettingIsSet = (key: string) => boolean;

/** What `WorkspaceConfiguration.inspect` gives for a key: its value in each scope. */
interface SettingScopes {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** `SettingIsSet` over a configuration section: set in any scope, not just defaulted. */
export const settingIsSet =
  (config: { inspect(key: string): SettingScopes | undefined }): SettingIsSet =>
  (key) => {
    const set = config.inspect(key);
    return [set?.globalValue, set?.workspaceValue, set?.workspaceFolderValue].some(
      (value) => value !== undefined,
    );
  };

/**
 * Keys renamed so that the Settings editor, which builds each title from its key, reads
 * "RPC Endpoint", "IPFS Mode", "Default Memory MB" (VS Code has no per-setting title for
 * extensions). The old key is still read while the new one is unset, and package.json marks
 * it deprecated, naming its successor.
 */
export const RENAMED_SETTINGS: Readonly<Record<string, string>> = {
  chainRPCEndpoint: 'rpcUrl',
  IPFSMode: 'ipfs.mode',
  IPFSNodeURL: 'ipfs.url',
  IPFSAuthorizationHeader: 'ipfs.authHeader',
  defaultMemoryMB: 'defaultMemoryMb',
  maxProjectMB: 'maxProjectMb',
};

/** A decimal amount of the payment token: digits, an optional fraction. */
const TOKEN_AMOUNT = /^\d+(\.\d+)?$/;

export const SETTING_LIMITS = {
  cores: { min: 1, max: 64 },
  memoryMb: { min: 64, max: 262_144 },
  timeoutSec: { min: 1, max: 86_400 },
  waitForProviderSec: { min: 0, max: 86_400 },
  // A provider fetches at most the SDK's payload limit for one job.
  maxProjectMb: { min: 1, max: MAX_PAYLOAD_BYTES / (1024 * 1024) },
} as const;

export const DEFAULT_OUTPUTS_FOLDER = '.orange/outputs';

const invalid = (key: string, problem: string) =>
  new OrangeError('INVALID_SETTINGS', `The setting orangeCloud.${key} ${problem}.`, {
    hint: 'Open the settings (Orange Cloud section) and correct it.',
  });

function integer(read: SettingReader, key: string, limits: { min: number; max: number }): number {
  const value = read(key);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(key, `must be a whole number, not ${JSON.stringify(value)}`);
  }
  if (value < limits.min || value > limits.max) {
    throw invalid(key, `must be between ${limits.min} and ${limits.max}, not ${value}`);
  }
  return value;
}

function optionalString(read: SettingReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(key, 'must be text');
  return value.trim() || undefined;
}

function url(read: SettingReader, key: string, schemes: string[]): string | undefined {
  const value = optionalString(read, key);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid(key, `is not a URL: "${value}"`);
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
    throw invalid(key, `must start with ${schemes.map((s) => `${s}://`).join(' or ')}`);
  }
  return value;
}

/** A relative path that stays where it starts: no `..` segment, not absolute. */
const staysInside = (path: string) =>
  !isAbsolute(path) && !/^[a-zA-Z]:/.test(path) && !path.split(/[\\/]/).includes('..');

function project(read: SettingReader): ProjectSetting {
  const value = optionalString(read, 'project') ?? 'auto';
  if (value === 'auto' || value === 'file') return { mode: value };
  if (!staysInside(value)) {
    throw invalid(
      'project',
      `must be "auto", "file" or a folder inside the workspace folder, not ${JSON.stringify(value)}`,
    );
  }
  return { mode: 'folder', folder: value };
}

function outputsFolder(read: SettingReader): string {
  const value = optionalString(read, 'outputs.folder') ?? DEFAULT_OUTPUTS_FOLDER;
  if (!isAbsolute(value) && value.split(/[\\/]/).includes('..')) {
    throw invalid('outputs.folder', 'must be inside the workspace folder, or an absolute path');
  }
  return value;
}

function flag(read: SettingReader, key: string, fallback: boolean): boolean {
  const value = read(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalid(key, 'must be true or false');
  return value;
}

/**
 * Validates every setting at once. JSON schema in package.json already guides
 * the Settings editor, but settings.json can hold anything, so nothing reaches
 * the SDK unchecked.
 */
export function readSettings(raw: SettingReader, isSet: SettingIsSet = () => false): Settings {
  const read: SettingReader = (key) => {
    const old = RENAMED_SETTINGS[key];
    return old !== undefined && !isSet(key) && isSet(old) ? raw(old) : raw(key);
  };
  const network = read('network');
  if (typeof network !== 'string' || !(network in NETWORK_PRESETS)) {
    throw invalid(
      'network',
      `must be one of ${Object.keys(NETWORK_PRESETS).join(', ')}, not ${JSON.stringify(network)}`,
    );
  }
  const marketAddress = optionalString(read, 'marketAddress');
  if (marketAddress !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(marketAddress)) {
    throw invalid('marketAddress', 'must be a 0x address of 40 hex digits');
  }
  const mode = read('IPFSMode');
  let ipfs: Settings['ipfs'];
  if (mode === 'embedded') ipfs = { mode };
  else if (mode === 'kubo') {
    const kuboUrl = url(read, 'IPFSNodeURL', ['http', 'https']);
    if (!kuboUrl) throw invalid('IPFSNodeURL', 'must be set when orangeCloud.IPFSMode is "kubo"');
    ipfs = { mode, url: kuboUrl, authHeader: optionalString(read, 'IPFSAuthorizationHeader') };
  } else throw invalid('IPFSMode', `must be "embedded" or "kubo", not ${JSON.stringify(mode)}`);

  return {
    network,
    rpcUrl: url(read, 'chainRPCEndpoint', ['http', 'https']),
    marketAddress: marketAddress as `0x${string}` | undefined,
    subgraphUrl: url(read, 'subgraphURL', ['http', 'https']),
    ipfs,
    defaultCores: integer(read, 'defaultCores', SETTING_LIMITS.cores),
    defaultMemoryMb: integer(read, 'defaultMemoryMB', SETTING_LIMITS.memoryMb),
    defaultTimeoutSec: integer(read, 'defaultTimeoutSec', SETTING_LIMITS.timeoutSec),
    priceCeiling: priceCeiling(raw, isSet),
    project: project(read),
    maxProjectMb: integer(read, 'maxProjectMB', SETTING_LIMITS.maxProjectMb),
    allowInstallScripts: flag(read, 'allowInstallScripts', false),
    waitForProviderSec: integer(read, 'waitForProviderSec', SETTING_LIMITS.waitForProviderSec),
    outputs: {
      folder: outputsFolder(read),
      openImages: flag(read, 'outputs.openImages', true),
    },
  };
}

/**
 * `priceCeiling`, in tokens; while it is unset, the deprecated `maxPricePerCoreSecond` in wei.
 * Anything else is refused here, before a run touches the network.
 */
function priceCeiling(read: SettingReader, isSet: SettingIsSet): PriceCeilingSetting | undefined {
  const legacy = isSet('maxPricePerCoreSecond') && !isSet('priceCeiling');
  if (legacy) {
    const wei = optionalString(read, 'maxPricePerCoreSecond');
    if (wei === undefined) return undefined;
    if (!/^\d+$/.test(wei)) {
      throw invalid(
        'maxPricePerCoreSecond',
        `must be a whole number of wei, not ${JSON.stringify(wei)} (it is deprecated: set orangeCloud.priceCeiling in tokens instead)`,
      );
    }
    return { wei: BigInt(wei) };
  }
  const tokens = optionalString(read, 'priceCeiling');
  if (tokens === undefined) return undefined;
  if (!TOKEN_AMOUNT.test(tokens)) {
    throw invalid(
      'priceCeiling',
      `must be an amount of the payment token per core-second such as 0.000001, not ${JSON.stringify(tokens)}`,
    );
  }
  return { tokens };
}

/** The SDK's store config for these settings; the embedded node keeps its repo in `directory`. */
export function storeConfig(settings: Settings, directory: string): ContentStoreConfig {
  if (settings.ipfs.mode === 'embedded') return { mode: 'embedded', directory };
  const headers = settings.ipfs.authHeader
    ? { Authorization: settings.ipfs.authHeader }
    : undefined;
  return { mode: 'kubo', url: settings.ipfs.url, ...(headers ? { headers } : {}) };
}
