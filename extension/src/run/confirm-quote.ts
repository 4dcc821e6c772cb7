import type * as vscode from 'vscode';
import type { RunQuote, RuntimeChoice } from '@orange-cloud/sdk';
import type { RunOptions } from './run-options.js';
import { quoteSummary } from './quote-summary.js';

/**
 * The last step of "Run with Options…": what the run costs at most and what
 * goes, before anything is posted. True only when the user picks Run.
 */
export async function confirmQuote(
  vs: typeof vscode,
  fileName: string,
  options: RunOptions,
  quote: RunQuote,
  project: string,
  runtime?: RuntimeChoice,
): Promise<boolean> {
  const picked = await vs.window.showQuickPick(
    [
      {
        ...quoteSummary(fileName, options, quote, project, runtime),
        iconPath: new vs.ThemeIcon('play'),
        run: true,
      },
      { label: 'Cancel', iconPath: new vs.ThemeIcon('close'), run: false },
    ],
    {
      title: 'Orange Cloud: run with these options? (5/5)',
      placeHolder: 'Nothing is posted until you pick Run.',
      matchOnDetail: true,
    },
  );
  return picked?.run === true;
}
