import {
  formatRate,
  formatTokens,
  quoteText,
  runtimeChoiceLines,
  type RunQuote,
  type RuntimeChoice,
} from '@orange-cloud/sdk';
import type { RunOptions } from './run-options.js';

/** The "Run" row of the confirmation that "Run with Options…" shows before posting. */
export interface QuoteSummary {
  label: string;
  description: string;
  detail: string;
}

/**
 * @param project what goes, in the SDK's words (`projectLine`): shown beside the price
 * @param runtime the runtime the SDK chose from the project's imports, and why
 */
export function quoteSummary(
  fileName: string,
  options: RunOptions,
  quote: RunQuote,
  project: string,
  runtime?: RuntimeChoice,
): QuoteSummary {
  const { terms } = quote;
  const fitting = quote.providers.length;
  const price = quote.rateWei === 0n ? 'free' : `at most ${formatTokens(quote.maxCostWei, terms)}`;
  return {
    label: `Run ${fileName}`,
    description: `${price} · ${project}`,
    detail: [
      ...(runtime ? runtimeChoiceLines(runtime).slice(0, 1) : []),
      `${options.cores} core${options.cores === 1 ? '' : 's'}, ${options.memoryMb} MB, timeout ${options.timeoutSec} s`,
      quoteText(quote, options.timeoutSec),
      `${fitting} provider${fitting === 1 ? '' : 's'} fit, at up to ${formatRate(quote.maxPricePerCoreSecond, terms)} per core`,
    ].join(' · '),
  };
}
