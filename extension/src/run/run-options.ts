import { OrangeError, formatTokens, parseTokens, type TokenTerms } from '@orange-cloud/sdk';
import { SETTING_LIMITS, type PriceCeilingSetting, type Settings } from '../settings/settings.js';

/** What one run asks for; defaults come from the settings, "Run with Options…" overrides them. */
export interface RunOptions {
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  maxPricePerCoreSecond: bigint | undefined;
  /** Hire this provider (its offer was picked in Run with Options); none = the cheapest offer. */
  provider?: `0x${string}` | undefined;
}

/** The settings' defaults for a run on a market paying in `terms`' token. */
export const defaultRunOptions = (
  settings: Settings,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
): RunOptions => ({
  cores: settings.defaultCores,
  memoryMb: settings.defaultMemoryMb,
  timeoutSec: settings.defaultTimeoutSec,
  maxPricePerCoreSecond: priceCeilingWei(settings.priceCeiling, terms),
});

/**
 * The price ceiling setting in token wei. An amount finer than the token divides (more
 * decimals than it has) is refused with INVALID_SETTINGS, before anything is posted.
 */
export function priceCeilingWei(
  ceiling: PriceCeilingSetting | undefined,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
): bigint | undefined {
  if (ceiling === undefined) return undefined;
  if ('wei' in ceiling) return ceiling.wei;
  const wei = parsePriceCeiling(ceiling.tokens, terms);
  if (wei !== 'invalid') return wei;
  throw new OrangeError(
    'INVALID_SETTINGS',
    `The setting orangeCloud.priceCeiling is not an amount of ${terms.symbol}: "${ceiling.tokens}" has more than ${terms.decimals} decimals.`,
    {
      hint: `Open the settings (Orange Cloud section) and give the most you pay per core-second in ${terms.symbol}, e.g. 0.000001, or leave it empty. Nothing was posted.`,
    },
  );
}

/**
 * Input-box validators: each returns an error message for the box, or
 * undefined when the text is acceptable (VS Code's `validateInput` contract).
 */
function wholeNumberIn(what: string, limits: { min: number; max: number }) {
  return (text: string): string | undefined => {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed)) return `${what} must be a whole number.`;
    const n = Number(trimmed);
    if (n < limits.min || n > limits.max) {
      return `${what} must be between ${limits.min} and ${limits.max}.`;
    }
    return undefined;
  };
}

export const validateCores = wholeNumberIn('Cores', SETTING_LIMITS.cores);
export const validateMemoryMb = wholeNumberIn('Memory (MB)', SETTING_LIMITS.memoryMb);

/** Accepts seconds ("90"), or minutes / hours with a unit ("5m", "1h", "90s"). */
export function parseTimeout(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(s|m|h)?\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? 's').toLowerCase();
  return Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

export function validateTimeout(text: string): string | undefined {
  const seconds = parseTimeout(text);
  if (seconds === undefined)
    return 'Timeout must be seconds, or a number with s, m or h (e.g. 90, 5m, 1h).';
  const { min, max } = SETTING_LIMITS.timeoutSec;
  if (seconds < min || seconds > max)
    return `Timeout must be between ${min} s and ${max / 3600} h.`;
  return undefined;
}

/**
 * The price ceiling typed in tokens per core-second (`0.000001`), as token wei. Empty = no
 * ceiling of our own (whatever the most expensive provider that fits asks).
 */
export function parsePriceCeiling(
  text: string,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
): bigint | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return parseTokens(trimmed, terms);
  } catch {
    return 'invalid';
  }
}

export function validatePriceCeiling(
  text: string,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
): string | undefined {
  return parsePriceCeiling(text, terms) === 'invalid'
    ? `The price ceiling must be an amount of ${terms.symbol} per core-second (e.g. 0.000001), or empty for none.`
    : undefined;
}

/** A ceiling in token wei as the prompt shows it: a plain token amount, no symbol. */
export function priceCeilingText(
  wei: bigint | undefined,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
) {
  return wei === undefined ? '' : formatTokens(wei, terms).slice(0, -(terms.symbol.length + 1));
}

/** The core counts offered as quick picks: powers of two up to the limit, plus the default. */
export function coreChoices(defaultCores: number, largestProvider: number | undefined): number[] {
  const top = Math.min(largestProvider ?? SETTING_LIMITS.cores.max, SETTING_LIMITS.cores.max);
  const choices = new Set<number>([defaultCores]);
  for (let n = 1; n <= top; n *= 2) choices.add(n);
  return [...choices].sort((a, b) => a - b);
}
