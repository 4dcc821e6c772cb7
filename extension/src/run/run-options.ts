import { SETTING_LIMITS, type Settings } from '../settings/settings.js';

/** What one run asks for; defaults come from the settings, "Run with Options…" overrides them. */
export interface RunOptions {
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  maxPricePerCoreSecond: bigint | undefined;
  /** Hire this provider (its offer was picked in Run with Options); none = the cheapest offer. */
  provider?: `0x${string}` | undefined;
}

export const defaultRunOptions = (settings: Settings): RunOptions => ({
  cores: settings.defaultCores,
  memoryMb: settings.defaultMemoryMb,
  timeoutSec: settings.defaultTimeoutSec,
  maxPricePerCoreSecond: settings.maxPricePerCoreSecond,
});

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

/** Empty = no ceiling of our own (the dearest provider that fits). */
export function parsePriceCeiling(text: string): bigint | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d+$/.test(trimmed)) return 'invalid';
  return BigInt(trimmed);
}

export function validatePriceCeiling(text: string): string | undefined {
  return parsePriceCeiling(text) === 'invalid'
    ? 'The price ceiling must be a whole number of wei per core-second, or empty for none.'
    : undefined;
}

/** The core counts offered as quick picks: powers of two up to the limit, plus the default. */
export function coreChoices(defaultCores: number, largestProvider: number | undefined): number[] {
  const top = Math.min(largestProvider ?? SETTING_LIMITS.cores.max, SETTING_LIMITS.cores.max);
  const choices = new Set<number>([defaultCores]);
  for (let n = 1; n <= top; n *= 2) choices.add(n);
  return [...choices].sort((a, b) => a - b);
}
