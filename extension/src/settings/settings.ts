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
  /** Wei per core-second; undefined = the dearest provider that fits. */
  maxPricePerCoreSecond: bigint | undefined;
  project: ProjectSetting;
  /** Cap on the sealed project, in MiB. */
  maxProjectMb: number;
  /** Let a Node.js project's npm install scripts run in the provider's container (off: refused). */
  allowInstallScripts: boolean;
  outputs: {
    /** Where returned files are saved: relative to the workspace folder, or absolute. */
    folder: string;
    /** Open returned images (PNG, JPEG, SVG) in editor tabs when the run ends. */
    openImages: boolean;
  };
}

/** Reads one raw setting (`orangeCloud.<key>`), as `WorkspaceConfiguration.get` does. */
export type SettingReader = (key: string) => unknown;

export const SETTING_LIMITS = {
  cores: { min: 1, max: 64 },
  memoryMb: { min: 64, max: 262_144 },
  timeoutSec: { min: 1, max: 86_400 },
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
export function readSettings(read: SettingReader): Settings {
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
  const mode = read('ipfs.mode');
  let ipfs: Settings['ipfs'];
  if (mode === 'embedded') ipfs = { mode };
  else if (mode === 'kubo') {
    const kuboUrl = url(read, 'ipfs.url', ['http', 'https']);
    if (!kuboUrl) throw invalid('ipfs.url', 'must be set when orangeCloud.ipfs.mode is "kubo"');
    ipfs = { mode, url: kuboUrl, authHeader: optionalString(read, 'ipfs.authHeader') };
  } else throw invalid('ipfs.mode', `must be "embedded" or "kubo", not ${JSON.stringify(mode)}`);

  const price = optionalString(read, 'maxPricePerCoreSecond');
  if (price !== undefined && !/^\d+$/.test(price)) {
    throw invalid('maxPricePerCoreSecond', 'must be a whole number of wei, or empty');
  }
  return {
    network,
    rpcUrl: url(read, 'rpcUrl', ['http', 'https']),
    marketAddress: marketAddress as `0x${string}` | undefined,
    subgraphUrl: url(read, 'subgraphUrl', ['http', 'https']),
    ipfs,
    defaultCores: integer(read, 'defaultCores', SETTING_LIMITS.cores),
    defaultMemoryMb: integer(read, 'defaultMemoryMb', SETTING_LIMITS.memoryMb),
    defaultTimeoutSec: integer(read, 'defaultTimeoutSec', SETTING_LIMITS.timeoutSec),
    maxPricePerCoreSecond: price === undefined ? undefined : BigInt(price),
    project: project(read),
    maxProjectMb: integer(read, 'maxProjectMb', SETTING_LIMITS.maxProjectMb),
    allowInstallScripts: flag(read, 'allowInstallScripts', false),
    outputs: {
      folder: outputsFolder(read),
      openImages: flag(read, 'outputs.openImages', true),
    },
  };
}

/** The SDK's store config for these settings; the embedded node keeps its repo in `directory`. */
export function storeConfig(settings: Settings, directory: string): ContentStoreConfig {
  if (settings.ipfs.mode === 'embedded') return { mode: 'embedded', directory };
  const headers = settings.ipfs.authHeader
    ? { Authorization: settings.ipfs.authHeader }
    : undefined;
  return { mode: 'kubo', url: settings.ipfs.url, ...(headers ? { headers } : {}) };
}
