import { interleavedOutput, segmentsMatch, type JobResult } from '@orange-cloud/sdk';
import { asBlock } from '../run/format.js';

/**
 * A stored result's output as Show Output prints it. With its recorded interleaving: stdout and
 * stderr in the order the program printed them, pieces joined as a terminal would show them (a
 * line may start on stdout and end on stderr). Without one (a result from an older daemon), the
 * order is unknown, so stdout comes first and a `[stderr]` line marks where stderr begins.
 */
export function storedOutputText(
  result: Pick<JobResult, 'stdout' | 'stderr' | 'interleaving'>,
): string {
  if (result.interleaving && segmentsMatch(result.interleaving, result)) {
    return asBlock(
      interleavedOutput(result)
        .map((piece) => piece.text)
        .join(''),
    );
  }
  const stderr = result.stderr ? `[stderr]\n${asBlock(result.stderr)}` : '';
  return asBlock(result.stdout) + stderr;
}
