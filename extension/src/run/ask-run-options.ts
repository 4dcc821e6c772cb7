import type * as vscode from 'vscode';
import type { TokenTerms } from '@orange-cloud/sdk';
import {
  coreChoices,
  parsePriceCeiling,
  parseTimeout,
  priceCeilingText,
  validateMemoryMb,
  validatePriceCeiling,
  validateTimeout,
  type RunOptions,
} from './run-options.js';

/**
 * "Run with Options…": cores from a quick pick, then memory, timeout and the
 * price ceiling in validated input boxes prefilled with the defaults.
 * Escape at any step runs nothing (undefined).
 */
export async function askRunOptions(
  vs: typeof vscode,
  defaults: RunOptions,
  largestProviderCores: number | undefined,
  terms: Pick<TokenTerms, 'symbol' | 'decimals'>,
): Promise<RunOptions | undefined> {
  const picked = await vs.window.showQuickPick(
    coreChoices(defaults.cores, largestProviderCores).map((n) => ({
      label: `${n} core${n === 1 ? '' : 's'}`,
      description: n === defaults.cores ? 'default' : undefined,
      cores: n,
    })),
    { title: 'Orange Cloud: CPU cores (1/5)', placeHolder: 'How many cores should the job get?' },
  );
  if (!picked) return undefined;

  const memory = await vs.window.showInputBox({
    title: 'Orange Cloud: memory in MB (2/5)',
    value: String(defaults.memoryMb),
    validateInput: validateMemoryMb,
  });
  if (memory === undefined) return undefined;

  const timeout = await vs.window.showInputBox({
    title: 'Orange Cloud: timeout (3/5)',
    prompt: 'Seconds, or with a unit: 90, 5m, 1h. The job is stopped (and billing ends) after it.',
    value: String(defaults.timeoutSec),
    validateInput: validateTimeout,
  });
  if (timeout === undefined) return undefined;

  const price = await vs.window.showInputBox({
    title: 'Orange Cloud: price ceiling (4/5)',
    prompt: `Highest price in ${terms.symbol} per core-second (e.g. 0.000001); empty accepts any provider that fits.`,
    value: priceCeilingText(defaults.maxPricePerCoreSecond, terms),
    validateInput: (text) => validatePriceCeiling(text, terms),
  });
  if (price === undefined) return undefined;
  const ceiling = parsePriceCeiling(price, terms);

  return {
    cores: picked.cores,
    memoryMb: Number(memory.trim()),
    timeoutSec: parseTimeout(timeout)!,
    maxPricePerCoreSecond: ceiling === 'invalid' ? undefined : ceiling,
  };
}
