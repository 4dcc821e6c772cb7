import type * as vscode from 'vscode';
import type { PaymentTerms, ProviderMatch, RunQuote, RuntimeChoice } from '@orange-cloud/sdk';
import type { RunOptions } from './run-options.js';
import { quoteSummary } from './quote-summary.js';
import { matchHeading, matchItems } from './match-items.js';

/** What the user picked: run (hiring the cheapest offer, or the provider whose offer was picked). */
export interface QuoteChoice {
  provider: RunOptions['provider'];
}

/** The quote round's answers, shown under the Run row. */
export interface MatchPreview {
  matches: readonly ProviderMatch[];
  terms: PaymentTerms;
  nowSec: number;
}

/**
 * The last step of "Run with Options…": what the run costs at most and what goes, then every
 * provider with its offer or why it would not take the job. Picking Run hires the cheapest
 * offer; picking a provider's offer hires that provider. Undefined when the user picks nothing,
 * Cancel, or a provider without an offer; without a quote (nobody fits) there is no Run row.
 */
export async function confirmQuote(
  vs: typeof vscode,
  fileName: string,
  options: RunOptions,
  quote: RunQuote | undefined,
  project: string,
  runtime: RuntimeChoice | undefined,
  preview: MatchPreview,
): Promise<QuoteChoice | undefined> {
  type Item = vscode.QuickPickItem & { choice?: QuoteChoice };
  const items: Item[] = [];
  if (quote)
    items.push({
      ...quoteSummary(fileName, options, quote, project, runtime),
      iconPath: new vs.ThemeIcon('play'),
      choice: { provider: undefined },
    });
  items.push({ label: matchHeading(preview.matches), kind: vs.QuickPickItemKind.Separator });
  for (const row of matchItems(preview.matches, options.timeoutSec, preview.terms, preview.nowSec))
    items.push({
      label: row.label,
      description: row.description,
      detail: row.detail,
      ...(row.provider ? { choice: { provider: row.provider } } : {}),
    });
  items.push({ label: '', kind: vs.QuickPickItemKind.Separator });
  items.push({ label: 'Cancel', iconPath: new vs.ThemeIcon('close') });
  const picked = await vs.window.showQuickPick(items, {
    title: 'Orange Cloud: run with these options? (5/5)',
    placeHolder: quote
      ? "Nothing is posted until you pick Run (the cheapest offer) or a provider's offer."
      : 'No provider can take this run: each one says why below.',
    matchOnDetail: true,
  });
  return picked?.choice;
}
