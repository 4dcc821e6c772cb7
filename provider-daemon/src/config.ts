import { dirname, join } from 'node:path';
import { isAddress, type Address } from 'viem';
import { OrangeError, RUNTIME_CATALOG, type MarketConnection } from '@orange-cloud/sdk';
import type { ProviderPolicy } from './criteria.js';
import { readJsoncFile } from './config/jsonc-file.js';
import { OCI_RUNTIMES, type OciRuntime } from './sandbox/container-config.js';
import { LOG_FORMATS, type LogFormat } from './logger.js';

/**
 * The daemon's configuration file (JSONC: JSON with comments, as `orange-provider init` writes
 * it; plain JSON loads too). Flags and environment override single fields (config/overrides.ts).
 */
export interface ProviderConfig {
  network: MarketConnection;
  /** Encrypted keystore holding the provider's mnemonic or private key. */
  keystore: string;
  /** Environment variable that holds the keystore passphrase. */
  passphraseEnv: string;
  policy: ProviderPolicy;
  /** The runtimes to offer; undefined = every runtime whose image is present (see offeredRuntimes). */
  runtimes: string[] | undefined;
  images: Record<string, string>;
  ipfs:
    | { mode: 'embedded'; directory?: string; listen: string[] }
    | { mode: 'kubo'; url: string; headers?: Record<string, string> };
  outputCapBytes: number;
  /** Cap on the total bytes of out/ files returned with a result. */
  outputsCapBytes: number;
  /** How often a running job's output so far is checkpointed to IPFS (ms). */
  checkpointMs: number;
  /** How often running jobs' payment flows are checked (ms): the most unpaid time per job. */
  paymentCheckMs: number;
  /** Where the live output endpoint listens; undefined = no live output. */
  live: { host: string; port: number } | undefined;
  /** Public URL of the live endpoint as requesters reach it; default: the listen address. */
  endpoint: string;
  dockerSocket: string | undefined;
  /** Where the daemon keeps what must survive a restart (job keys); default beside the keystore. */
  stateDir: string;
  /** How the quote desk (market v2) answers. */
  quotes: QuoteSettings;
  /** How job containers are isolated: the OCI runtime Docker runs them with. */
  sandbox: { runtime: OciRuntime };
  /**
   * The operator's HTTP endpoint (/healthz, /metrics, /status, pause/resume); default loopback on
   * any free port; undefined = none (`false` in the file).
   */
  admin: { host: string; port: number } | undefined;
  /** How log lines are written: `text` (default) or `json` (one object a line). */
  logFormat: LogFormat;
  /** On SIGTERM/SIGINT, how long running jobs get to finish before they are failed (s). */
  shutdownGraceSec: number;
}

export const DEFAULT_SHUTDOWN_GRACE_SEC = 60;

export interface QuoteSettings {
  /** How long an offer is valid (s). */
  offerTtlSec: number;
  /** How long past its expiry an unhired offer keeps its reservation and key (s). */
  offerGraceSec: number;
  /** The longest job timeout the provider takes (s); at most the market's 1 day. */
  maxTimeoutSec: number;
  /** Quote requests per second per remote address, and the burst allowed. */
  perClientPerSecond: number;
  perClientBurst: number;
}

export const DEFAULT_QUOTE_SETTINGS: Readonly<QuoteSettings> = {
  offerTtlSec: 60,
  offerGraceSec: 10,
  maxTimeoutSec: 86_400,
  perClientPerSecond: 20,
  perClientBurst: 40,
};

/** The image per runtime, from the SDK's catalog (python3, python-data). */
export const DEFAULT_IMAGES: Readonly<Record<string, string>> = Object.fromEntries(
  RUNTIME_CATALOG.map((r) => [r.name, r.image]),
);
export const DEFAULT_OUTPUT_CAP = 1024 * 1024;
/** 10^12 wei (10^-6 tokens) per core-second, as the devnet's provider asks. */
export const DEFAULT_PRICE_PER_CORE_SECOND = 1_000_000_000_000n;
export const DEFAULT_PASSPHRASE_ENV = 'ORANGE_PROVIDER_PASSPHRASE';
/** What the issue promises a requester by default: 100 MiB of returned files. */
export const DEFAULT_OUTPUTS_CAP = 100 * 1024 * 1024;
/** The sealed archive must stay below what a requester fetches (MAX_SEALED_OUTPUTS_BYTES). */
const MAX_OUTPUTS_CAP = 512 * 1024 * 1024;

export const invalid = (field: string, why: string) =>
  new OrangeError('CONFIG_INVALID', `Provider config: ${field} ${why}.`, {
    hint: 'See provider-daemon/README.md for the configuration file format.',
  });

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw invalid(field, 'must be a positive whole number');
  return value;
}

function addressList(value: unknown, field: string): Address[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((a) => typeof a === 'string' && isAddress(a))) {
    throw invalid(field, 'must be a list of 0x addresses');
  }
  return value as Address[];
}

/** Reads and validates a config file (JSONC or JSON); every problem names its field. */
export async function loadConfig(path: string): Promise<ProviderConfig> {
  return parseConfig(await readJsoncFile(path));
}

export function parseConfig(raw: Record<string, unknown>): ProviderConfig {
  const network = raw.network as Record<string, unknown> | undefined;
  if (!network || typeof network !== 'object') throw invalid('network', 'is required');
  const [rpcUrl, ...fallbackRpcUrls] = parseRpcUrls(network);
  if (typeof network.marketAddress !== 'string' || !isAddress(network.marketAddress)) {
    throw invalid('network.marketAddress', 'must be the market contract address');
  }
  if (typeof raw.keystore !== 'string')
    throw invalid('keystore', 'must be the path of the keystore file');
  const offer = (raw.offer ?? {}) as Record<string, unknown>;
  const policy = (raw.policy ?? {}) as Record<string, unknown>;
  const price = parsePrice(offer.pricePerCoreSecond, 'offer.pricePerCoreSecond');
  const runtimes = parseRuntimes(offer.runtimes, 'offer.runtimes');
  const images = parseImages(raw.images);
  const ipfs = (raw.ipfs ?? { mode: 'embedded' }) as Record<string, unknown>;
  if (ipfs.mode !== 'embedded' && ipfs.mode !== 'kubo')
    throw invalid('ipfs.mode', 'must be "embedded" or "kubo"');
  if (ipfs.mode === 'kubo' && typeof ipfs.url !== 'string')
    throw invalid('ipfs.url', 'is required in kubo mode');
  return {
    network: {
      chainId: positiveInt(network.chainId ?? 31337, 'network.chainId'),
      rpcUrl,
      ...(fallbackRpcUrls.length > 0 ? { fallbackRpcUrls } : {}),
      ...(typeof network.wsUrl === 'string' ? { wsUrl: network.wsUrl } : {}),
      marketAddress: network.marketAddress,
      deployBlock: BigInt(String(network.deployBlock ?? '0')),
      pollingIntervalMs:
        typeof network.pollingIntervalMs === 'number' ? network.pollingIntervalMs : 500,
    },
    keystore: raw.keystore,
    passphraseEnv: parsePassphraseEnv(raw.passphraseEnv),
    policy: {
      cores: positiveInt(offer.cores, 'offer.cores'),
      memoryMb: positiveInt(offer.memoryMb, 'offer.memoryMb'),
      pricePerCoreSecond: price,
      // filled in at start with the runtimes actually offered
      runtimes: runtimes ?? [],
      allowRequesters: addressList(policy.allowRequesters, 'policy.allowRequesters'),
      denyRequesters: addressList(policy.denyRequesters, 'policy.denyRequesters'),
    },
    runtimes,
    images,
    ipfs:
      ipfs.mode === 'kubo'
        ? {
            mode: 'kubo',
            url: ipfs.url as string,
            ...(ipfs.headers ? { headers: ipfs.headers as Record<string, string> } : {}),
          }
        : {
            mode: 'embedded',
            ...(typeof ipfs.directory === 'string' ? { directory: ipfs.directory } : {}),
            listen: (ipfs.listen as string[]) ?? ['/ip4/127.0.0.1/tcp/4011'],
          },
    outputCapBytes:
      raw.outputCapBytes === undefined
        ? DEFAULT_OUTPUT_CAP
        : positiveInt(raw.outputCapBytes, 'outputCapBytes'),
    outputsCapBytes: parseOutputsCap(raw.outputsCapBytes),
    checkpointMs:
      raw.checkpointMs === undefined ? 5_000 : positiveInt(raw.checkpointMs, 'checkpointMs'),
    paymentCheckMs:
      raw.paymentCheckMs === undefined ? 2_000 : positiveInt(raw.paymentCheckMs, 'paymentCheckMs'),
    live: parseLive(raw.live),
    endpoint: typeof raw.endpoint === 'string' ? raw.endpoint : '',
    dockerSocket: typeof raw.dockerSocket === 'string' ? raw.dockerSocket : undefined,
    stateDir: parseStateDir(raw.stateDir, raw.keystore),
    quotes: parseQuotes(raw.quotes),
    sandbox: parseSandbox(raw.sandbox),
    admin: parseAdmin(raw.admin),
    logFormat: parseLogFormat(raw.logFormat),
    shutdownGraceSec:
      raw.shutdownGraceSec === undefined
        ? DEFAULT_SHUTDOWN_GRACE_SEC
        : wholeIn(raw.shutdownGraceSec, 'shutdownGraceSec', 0, 86_400),
  };
}

/** The image per runtime: the catalog's, each replaceable by another image of that runtime. */
function parseImages(value: unknown): Record<string, string> {
  if (value === undefined) return { ...DEFAULT_IMAGES };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('images', 'must map runtime names to Docker images');
  for (const [name, image] of Object.entries(value)) {
    if (!(name in DEFAULT_IMAGES))
      throw invalid(
        `images.${name}`,
        `is no known runtime (known: ${Object.keys(DEFAULT_IMAGES).join(', ')})`,
      );
    if (typeof image !== 'string' || image.trim() === '')
      throw invalid(`images.${name}`, 'must be a Docker image name');
  }
  return { ...DEFAULT_IMAGES, ...(value as Record<string, string>) };
}

/** `network.rpcUrls` (preferred first), or the older single `network.rpcUrl`. */
function parseRpcUrls(network: Record<string, unknown>): [string, ...string[]] {
  if (network.rpcUrls !== undefined) {
    if (network.rpcUrl !== undefined)
      throw invalid('network.rpcUrl', 'cannot be given together with network.rpcUrls');
    return rpcUrlList(network.rpcUrls, 'network.rpcUrls');
  }
  if (network.rpcUrl === undefined) throw invalid('network.rpcUrls', 'is required');
  return rpcUrlList([network.rpcUrl], 'network.rpcUrl');
}

/** A non-empty list of http(s) URLs; `field` names where the list came from. */
export function rpcUrlList(value: unknown, field: string): [string, ...string[]] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid(field, 'must be a non-empty list of http(s) URLs');
  for (const url of value as unknown[]) {
    if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw invalid(field, `must hold http(s) URLs only, not ${JSON.stringify(url)}`);
  }
  return value as [string, ...string[]];
}

/** Wei per core-second: a whole number, zero or more (a number, or a string for big values). */
export function parsePrice(value: unknown, field: string): bigint {
  if (value === undefined) return DEFAULT_PRICE_PER_CORE_SECOND;
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim()))
    throw invalid(
      field,
      `must be a whole number of wei, zero or more, not ${JSON.stringify(value)}`,
    );
  return BigInt(text.trim());
}

/** Runtime names from the SDK's catalog, at least one; undefined = every one whose image is present. */
export function parseRuntimes(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((r) => typeof r === 'string'))
    throw invalid(field, 'must be a non-empty list of runtime names');
  const known = RUNTIME_CATALOG.map((r) => r.name);
  for (const name of value as string[])
    if (!known.includes(name))
      throw invalid(
        field,
        `names "${name}", which is no known runtime (known: ${known.join(', ')})`,
      );
  return value as string[];
}

export function parsePassphraseEnv(value: unknown, field = 'passphraseEnv'): string {
  if (value === undefined) return DEFAULT_PASSPHRASE_ENV;
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
    throw invalid(field, 'must be the name of an environment variable');
  return value;
}

function parseSandbox(value: unknown): ProviderConfig['sandbox'] {
  if (value === undefined) return { runtime: 'runc' };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('sandbox', 'must be an object');
  const { runtime = 'runc', ...rest } = value as Record<string, unknown>;
  for (const key of Object.keys(rest)) throw invalid(`sandbox.${key}`, 'is unknown');
  if (!OCI_RUNTIMES.includes(runtime as OciRuntime))
    throw invalid('sandbox.runtime', `must be ${OCI_RUNTIMES.map((r) => `"${r}"`).join(' or ')}`);
  return { runtime: runtime as OciRuntime };
}

function parseLogFormat(value: unknown): LogFormat {
  if (value === undefined) return 'text';
  if (!LOG_FORMATS.includes(value as LogFormat))
    throw invalid('logFormat', `must be one of ${LOG_FORMATS.join(', ')}`);
  return value as LogFormat;
}

function parseAdmin(value: unknown): ProviderConfig['admin'] {
  if (value === false) return undefined;
  if (value === undefined) return { host: '127.0.0.1', port: 0 };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('admin', 'must be { "host": ..., "port": ... } or false');
  const admin = value as Record<string, unknown>;
  const port = admin.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw invalid('admin.port', 'must be a port number (0 = any free port)');
  if (admin.host !== undefined && typeof admin.host !== 'string')
    throw invalid('admin.host', 'must be a host name or address');
  return { host: (admin.host as string | undefined) ?? '127.0.0.1', port };
}

function parseStateDir(value: unknown, keystore: string): string {
  if (value === undefined) return join(dirname(keystore), 'provider-state');
  if (typeof value !== 'string' || value === '') throw invalid('stateDir', 'must be a directory');
  return value;
}

function wholeIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

function parseQuotes(value: unknown): QuoteSettings {
  if (value === undefined) return { ...DEFAULT_QUOTE_SETTINGS };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('quotes', 'must be an object');
  const raw = { ...DEFAULT_QUOTE_SETTINGS, ...(value as Record<string, unknown>) };
  const settings: QuoteSettings = {
    // Requesters refuse an offer that expires within 10 s of its arrival.
    offerTtlSec: wholeIn(raw.offerTtlSec, 'quotes.offerTtlSec', 15, 600),
    offerGraceSec: wholeIn(raw.offerGraceSec, 'quotes.offerGraceSec', 0, 300),
    maxTimeoutSec: wholeIn(raw.maxTimeoutSec, 'quotes.maxTimeoutSec', 1, 86_400),
    perClientPerSecond: wholeIn(raw.perClientPerSecond, 'quotes.perClientPerSecond', 1, 10_000),
    perClientBurst: wholeIn(raw.perClientBurst, 'quotes.perClientBurst', 1, 10_000),
  };
  for (const key of Object.keys(value))
    if (!(key in DEFAULT_QUOTE_SETTINGS)) throw invalid(`quotes.${key}`, 'is unknown');
  return settings;
}

function parseOutputsCap(value: unknown): number {
  if (value === undefined) return DEFAULT_OUTPUTS_CAP;
  const cap = positiveInt(value, 'outputsCapBytes');
  if (cap > MAX_OUTPUTS_CAP) throw invalid('outputsCapBytes', `must be at most ${MAX_OUTPUTS_CAP}`);
  return cap;
}

function parseLive(value: unknown): ProviderConfig['live'] {
  if (value === undefined) return undefined;
  const live = value as Record<string, unknown>;
  const port = live.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid('live.port', 'must be a port number (0 = any free port)');
  }
  if (live.host !== undefined && typeof live.host !== 'string')
    throw invalid('live.host', 'must be a host name or address');
  return { host: (live.host as string | undefined) ?? '127.0.0.1', port };
}
