import { invalid, parsePrice, rpcUrlList } from '../config.js';

/** The config fields a flag or an environment variable can set. */
export type OverridableField =
  'offer.cores' | 'offer.memoryMb' | 'offer.pricePerCoreSecond' | 'network.rpcUrls';

/** One value from outside the file, already checked, with where it came from ("--cores", ...). */
export interface ConfigOverride {
  field: OverridableField;
  value: number | bigint | string[];
  source: string;
}

/** Which overridden field came from where, so later checks name the flag or variable. */
export type FieldSources = Partial<Record<string, string>>;

/** The daemon's flags that override the file. */
export interface OverrideFlags {
  cores?: string | undefined;
  memory?: string | undefined;
  price?: string | undefined;
  'rpc-url'?: string[] | undefined;
}

export const CONFIG_ENV = 'ORANGE_PROVIDER_CONFIG';

/** Each field with its flag and its environment variable. */
const SOURCES: { field: OverridableField; flag: keyof OverrideFlags; env: string }[] = [
  { field: 'offer.cores', flag: 'cores', env: 'ORANGE_PROVIDER_CORES' },
  { field: 'offer.memoryMb', flag: 'memory', env: 'ORANGE_PROVIDER_MEMORY_MB' },
  { field: 'offer.pricePerCoreSecond', flag: 'price', env: 'ORANGE_PROVIDER_PRICE' },
  { field: 'network.rpcUrls', flag: 'rpc-url', env: 'ORANGE_PROVIDER_RPC_URLS' },
];

function positiveWhole(text: string, source: string): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0)
    throw invalid(source, `must be a positive whole number, not ${JSON.stringify(text)}`);
  return value;
}

function checked(field: OverridableField, raw: string | string[], source: string) {
  switch (field) {
    case 'offer.cores':
    case 'offer.memoryMb':
      return positiveWhole(String(raw), source);
    case 'offer.pricePerCoreSecond':
      return parsePrice(String(raw), source);
    case 'network.rpcUrls': {
      // a flag repeats (--rpc-url A --rpc-url B); the variable is comma-separated
      const urls = (Array.isArray(raw) ? raw : raw.split(',')).map((u) => u.trim());
      return rpcUrlList(urls.filter(Boolean), source);
    }
  }
}

/**
 * The overrides in force: a flag wins over its environment variable, which wins over the file.
 * An empty variable counts as unset. Each value is checked here, the error naming its source.
 */
export function readOverrides(flags: OverrideFlags, env: NodeJS.ProcessEnv): ConfigOverride[] {
  const overrides: ConfigOverride[] = [];
  for (const { field, flag, env: name } of SOURCES) {
    const fromFlag = flags[flag];
    if (fromFlag !== undefined && fromFlag.length > 0) {
      overrides.push({ field, value: checked(field, fromFlag, `--${flag}`), source: `--${flag}` });
    } else if (env[name]) {
      overrides.push({ field, value: checked(field, env[name], name), source: name });
    }
  }
  return overrides;
}

/** The file's raw object with the overrides written in (a copy), and where each came from. */
export function applyOverrides(
  raw: Record<string, unknown>,
  overrides: ConfigOverride[],
): { raw: Record<string, unknown>; sources: FieldSources } {
  const result: Record<string, unknown> = { ...raw };
  const sources: FieldSources = {};
  for (const { field, value, source } of overrides) {
    const [section, key] = field.split('.') as [string, string];
    const inner = { ...((result[section] as Record<string, unknown> | undefined) ?? {}) };
    // the list replaces the file's URLs, whichever of the two spellings the file used
    if (field === 'network.rpcUrls') delete inner.rpcUrl;
    inner[key] = typeof value === 'bigint' ? value.toString() : value;
    result[section] = inner;
    sources[field] = source;
  }
  return { raw: result, sources };
}

/** A field as an error names it: with the flag or variable that set it, when one did. */
export const fieldLabel = (field: string, sources: FieldSources): string =>
  sources[field] ? `${sources[field]} (${field})` : field;
