import { OrangeError, formatTokens, parseTokens, type TokenTerms } from '@orange-cloud/sdk';
import type { SettingIsSet } from '../settings/settings.js';

/** What this machine has: the ceiling for everything shared. */
export interface Machine {
  cores: number;
  memoryMb: number;
}

/** What the user shares, as the `orangeCloud.share.*` settings hold it (all non-secret). */
export interface ShareChoices {
  cores: number;
  memoryMb: number;
  /** Token wei per core-second, a decimal string (bigints do not survive settings JSON). */
  pricePerCoreSecond: string;
  /** The runtimes to offer; empty = every runtime whose image is present. */
  runtimes: string[];
  allowRequesters: string[];
  denyRequesters: string[];
  /** Keep the daemon running as a user service when VS Code closes (systemd only). */
  keepRunning: boolean;
}

/** The price when `share.price` is unset: the devnet provider's, in tokens per core-second. */
export const DEFAULT_PRICE = '0.000001';
const MB = 1024 * 1024;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const MEMORY_STEP_MB = 256;

/** Half the cores (at least one) and a quarter of the memory, in steps of 256 MB (at least one step). */
export function defaultShare(machine: Machine): Pick<ShareChoices, 'cores' | 'memoryMb'> {
  const cores = Math.max(1, Math.floor(machine.cores / 2));
  const quarter = Math.floor(machine.memoryMb / 4 / MEMORY_STEP_MB) * MEMORY_STEP_MB;
  return { cores, memoryMb: Math.min(machine.memoryMb, Math.max(MEMORY_STEP_MB, quarter)) };
}

export const machineFrom = (os: { cores: number; totalMemBytes: number }): Machine => ({
  cores: os.cores,
  memoryMb: Math.floor(os.totalMemBytes / MB),
});

/** The setting each saved choice is kept in (`orangeCloud.` + it). */
export const SHARE_SETTING_KEYS = {
  cores: 'share.cores',
  memoryMb: 'share.memoryMB',
  pricePerCoreSecond: 'share.price',
  runtimes: 'share.runtimes',
  allowRequesters: 'share.allowRequesters',
  denyRequesters: 'share.denyRequesters',
  keepRunning: 'share.keepRunning',
} as const satisfies Record<keyof ShareChoices, string>;

const invalidPrice = (key: string, problem: string) =>
  new OrangeError('INVALID_SETTINGS', `orangeCloud.${key}: ${problem}`, {
    hint: `Change orangeCloud.${key} in the settings. Nothing was started.`,
  });

/**
 * The price as token wei: `share.price` is typed in tokens (`0.000001`), parsed exactly as the
 * run's price ceiling is; while it is unset, the deprecated `share.pricePerCoreSecond` in wei.
 * Not an amount, finer than the token divides, or zero: refused, naming the setting.
 */
export function sharePriceWei(
  get: (key: string) => unknown,
  isSet: SettingIsSet,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
): string {
  if (isSet('share.pricePerCoreSecond') && !isSet('share.price')) {
    const wei = get('share.pricePerCoreSecond');
    if (typeof wei !== 'string' || !/^\d+$/.test(wei.trim()) || BigInt(wei.trim()) === 0n) {
      throw invalidPrice(
        'share.pricePerCoreSecond',
        `must be a whole number of wei, more than 0, not ${JSON.stringify(wei)} (it is deprecated: set orangeCloud.share.price in ${terms.symbol} instead).`,
      );
    }
    return BigInt(wei.trim()).toString();
  }
  const value = get('share.price') ?? '';
  if (typeof value !== 'string') {
    // A JSON number would lose digits before it was read; the amount is text, as typed.
    throw invalidPrice(
      'share.price',
      `must be text, an amount such as "${DEFAULT_PRICE}" in quotes, not ${JSON.stringify(value)}.`,
    );
  }
  const text = value.trim() === '' ? DEFAULT_PRICE : value;
  let wei: bigint;
  try {
    wei = parseTokens(text, terms);
  } catch (error) {
    throw invalidPrice(
      'share.price',
      `${(error as Error).message} Give the price per core-second in ${terms.symbol}, e.g. ${DEFAULT_PRICE}.`,
    );
  }
  if (wei === 0n) throw invalidPrice('share.price', 'The price must be more than 0.');
  return wei.toString();
}

/** A price in token wei as `share.price` keeps it and the form shows it: the bare amount. */
export const priceInTokens = (wei: string, terms: Pick<TokenTerms, 'decimals'>): string =>
  formatTokens(BigInt(wei), { decimals: terms.decimals, symbol: '' }).trim();

/**
 * Reads the share settings; 0 cores or memory means "the default for this machine". The price
 * needs the market's token (its decimals), so it is read once the market is known.
 */
export function readShareChoices(
  get: (key: string) => unknown,
  machine: Machine,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
  isSet: SettingIsSet = () => false,
): ShareChoices {
  const defaults = defaultShare(machine);
  const number = (key: string, fallback: number) => {
    const value = get(key);
    return typeof value === 'number' && value > 0 ? value : fallback;
  };
  const list = (key: string) => {
    const value = get(key);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  };
  return {
    cores: number('share.cores', defaults.cores),
    // share.memoryMb is the key's earlier spelling, read while the new one is unset (0).
    memoryMb: number('share.memoryMB', number('share.memoryMb', defaults.memoryMb)),
    pricePerCoreSecond: sharePriceWei(get, isSet, terms),
    runtimes: list('share.runtimes'),
    allowRequesters: list('share.allowRequesters'),
    denyRequesters: list('share.denyRequesters'),
    keepRunning: get('share.keepRunning') === true,
  };
}

/** Why a typed core count is wrong, or undefined when it is fine (for input boxes). */
export function coresProblem(value: number, machine: Machine): string | undefined {
  if (!Number.isInteger(value) || value < 1) return 'Cores must be a whole number, at least 1.';
  if (value > machine.cores) return `This machine has ${machine.cores} cores; share at most that.`;
  return undefined;
}

export function memoryProblem(value: number, machine: Machine): string | undefined {
  if (!Number.isInteger(value) || value < 64)
    return 'Memory must be a whole number of MB, at least 64.';
  if (value > machine.memoryMb)
    return `This machine has ${machine.memoryMb} MB of memory; share at most that.`;
  return undefined;
}

export function priceProblem(wei: string): string | undefined {
  if (!/^\d+$/.test(wei)) return 'The price must be a whole number of token wei, not negative.';
  if (BigInt(wei) === 0n) return 'The price must be more than 0.';
  return undefined;
}

/**
 * Checks every choice against the machine and the runtimes whose images are present.
 * The first problem is thrown, naming the setting to change.
 */
export function validateShareChoices(
  choices: ShareChoices,
  machine: Machine,
  present: readonly string[],
): ShareChoices {
  const problems: [string, string | undefined][] = [
    ['share.cores', coresProblem(choices.cores, machine)],
    ['share.memoryMB', memoryProblem(choices.memoryMb, machine)],
    ['share.price', priceProblem(choices.pricePerCoreSecond)],
  ];
  const missing = choices.runtimes.filter((r) => !present.includes(r));
  if (missing.length > 0) {
    problems.push([
      'share.runtimes',
      `${missing.join(', ')}: no image on this machine (present: ${present.join(', ') || 'none'}).`,
    ]);
  }
  if (present.length === 0)
    problems.push(['share.runtimes', 'No runtime image is present on this machine.']);
  for (const key of ['allowRequesters', 'denyRequesters'] as const) {
    const bad = choices[key].find((a) => !ADDRESS.test(a));
    if (bad !== undefined) problems.push([`share.${key}`, `"${bad}" is not a 0x address.`]);
  }
  const found = problems.find(([, problem]) => problem !== undefined);
  if (found) {
    const [key, problem] = found;
    throw new OrangeError('INVALID_SETTINGS', `orangeCloud.${key}: ${problem}`, {
      hint: `Change orangeCloud.${key} in the settings, or pick again in Share Compute.`,
    });
  }
  return choices;
}
