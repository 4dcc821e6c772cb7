import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isAddress, type Address } from 'viem';
import { OrangeError, RUNTIME_CATALOG, type MarketConnection } from '@orange-cloud/sdk';
import type { ProviderPolicy } from './criteria.js';

/** The daemon's configuration file (JSON). Flags override single fields. */
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
/** What the issue promises a requester by default: 100 MiB of returned files. */
export const DEFAULT_OUTPUTS_CAP = 100 * 1024 * 1024;
/** The sealed archive must stay below what a requester fetches (MAX_SEALED_OUTPUTS_BYTES). */
const MAX_OUTPUTS_CAP = 512 * 1024 * 1024;

const invalid = (field: string, why: string) =>
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

/** Reads and validates a config file; every problem names its field. */
export async function loadConfig(path: string): Promise<ProviderConfig> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new OrangeError(
      'CONFIG_INVALID',
      `Cannot read the provider config ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parseConfig(raw);
}

export function parseConfig(raw: Record<string, unknown>): ProviderConfig {
  const network = raw.network as Record<string, unknown> | undefined;
  if (!network || typeof network.rpcUrl !== 'string')
    throw invalid('network.rpcUrl', 'is required');
  if (typeof network.marketAddress !== 'string' || !isAddress(network.marketAddress)) {
    throw invalid('network.marketAddress', 'must be the market contract address');
  }
  if (typeof raw.keystore !== 'string')
    throw invalid('keystore', 'must be the path of the keystore file');
  const offer = (raw.offer ?? {}) as Record<string, unknown>;
  const policy = (raw.policy ?? {}) as Record<string, unknown>;
  let price: bigint;
  try {
    price = BigInt(String(offer.pricePerCoreSecond ?? '0'));
  } catch {
    throw invalid('offer.pricePerCoreSecond', 'must be a whole number of wei');
  }
  const runtimes = offer.runtimes as unknown;
  if (
    runtimes !== undefined &&
    (!Array.isArray(runtimes) ||
      runtimes.length === 0 ||
      !runtimes.every((r) => typeof r === 'string'))
  ) {
    throw invalid('offer.runtimes', 'must be a non-empty list of runtime names');
  }
  const images: Record<string, string> = {
    ...DEFAULT_IMAGES,
    ...((raw.images as Record<string, string>) ?? {}),
  };
  for (const runtime of (runtimes as string[] | undefined) ?? [])
    if (!images[runtime]) throw invalid(`images.${runtime}`, 'is missing');
  const ipfs = (raw.ipfs ?? { mode: 'embedded' }) as Record<string, unknown>;
  if (ipfs.mode !== 'embedded' && ipfs.mode !== 'kubo')
    throw invalid('ipfs.mode', 'must be "embedded" or "kubo"');
  if (ipfs.mode === 'kubo' && typeof ipfs.url !== 'string')
    throw invalid('ipfs.url', 'is required in kubo mode');
  return {
    network: {
      chainId: positiveInt(network.chainId ?? 31337, 'network.chainId'),
      rpcUrl: network.rpcUrl,
      ...(typeof network.wsUrl === 'string' ? { wsUrl: network.wsUrl } : {}),
      marketAddress: network.marketAddress,
      deployBlock: BigInt(String(network.deployBlock ?? '0')),
      pollingIntervalMs:
        typeof network.pollingIntervalMs === 'number' ? network.pollingIntervalMs : 500,
    },
    keystore: raw.keystore,
    passphraseEnv:
      typeof raw.passphraseEnv === 'string' ? raw.passphraseEnv : 'ORANGE_PROVIDER_PASSPHRASE',
    policy: {
      cores: positiveInt(offer.cores, 'offer.cores'),
      memoryMb: positiveInt(offer.memoryMb, 'offer.memoryMb'),
      pricePerCoreSecond: price,
      // filled in at start with the runtimes actually offered
      runtimes: (runtimes as string[] | undefined) ?? [],
      allowRequesters: addressList(policy.allowRequesters, 'policy.allowRequesters'),
      denyRequesters: addressList(policy.denyRequesters, 'policy.denyRequesters'),
    },
    runtimes: runtimes as string[] | undefined,
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
    shutdownGraceSec:
      raw.shutdownGraceSec === undefined
        ? DEFAULT_SHUTDOWN_GRACE_SEC
        : wholeIn(raw.shutdownGraceSec, 'shutdownGraceSec', 0, 86_400),
  };
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
