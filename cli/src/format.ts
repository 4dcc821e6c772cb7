import { isAbsolute, relative } from 'node:path';
import {
  costAmount,
  formatBytes,
  type JobPayment,
  type JobView,
  type PaymentTerms,
  type SavedOutputs,
} from '@orange-cloud/sdk';

/** JSON.stringify that writes bigints as decimal strings. */
export const toJson = (value: unknown, indent = 2) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** The payment fields of `--json` output: token, rate and cost in token wei (decimal strings). */
export function paymentSummary(payment: JobPayment | undefined, terms: PaymentTerms) {
  return {
    token: { address: terms.superToken, symbol: terms.symbol, decimals: terms.decimals },
    rateWei: payment?.rateWei ?? null,
    costWei: payment ? (payment.stopped?.costWei ?? null) : 0n,
    paidSeconds: payment?.stopped?.streamedSeconds ?? null,
    refundedWei: payment?.stopped?.refundedWei ?? null,
    costIsExact: payment?.stopped ? payment.stopped.exact : true,
  };
}

export function jobLine(job: JobView, terms: PaymentTerms): string {
  const parts = [
    // A job id is its provider's index above a 64-bit offer nonce: about 20 digits.
    `#${job.jobId}`.padEnd(21),
    job.status.padEnd(10),
    job.name.padEnd(24),
    job.exitCode === undefined ? '' : `exit ${job.exitCode}`,
    job.runSeconds === undefined ? '' : `${job.runSeconds}s`,
    job.payment ? costAmount(job.payment, terms) : '',
    job.provider ? `by ${shortAddress(job.provider)}` : '',
  ];
  return parts.filter(Boolean).join('  ');
}

/** How many returned files are listed by name; the rest are counted. */
const LISTED_FILES = 20;

/** A folder as the user typed it: relative to the current one when inside it. */
function shownFolder(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir;
}

/** The returned files, after a run's output: where they went, each with its size, and what did not come back. */
export function outputsLines(saved: SavedOutputs): string[] {
  const lines: string[] = [];
  const count = saved.files.length;
  if (saved.dir) {
    lines.push(
      `${count} file${count === 1 ? '' : 's'} returned, saved in ${shownFolder(saved.dir)}/`,
    );
    const shown = saved.files.slice(0, LISTED_FILES);
    const width = Math.max(...shown.map((f) => f.path.length));
    for (const file of shown)
      lines.push(`  ${file.path.padEnd(width)}  ${formatBytes(file.bytes)}`);
    if (count > shown.length) lines.push(`  … and ${count - shown.length} more`);
  }
  for (const entry of saved.skipped) lines.push(`not returned: ${entry.path} (${entry.reason})`);
  if (saved.truncated)
    lines.push(
      "the job wrote more under out/ than the provider's outputs cap: not every file came back",
    );
  if (saved.partial)
    lines.push('the job did not end on its own: the returned files may be incomplete (partial)');
  return lines;
}
