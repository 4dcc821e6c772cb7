import { interleavedOutput, type JobResult } from '@orange-cloud/sdk';

/**
 * Writes a job's output to this process's stdout and stderr in the order the program printed
 * it (the result's recorded interleaving), as a terminal would have shown it.
 */
export function printJobOutput(output: Pick<JobResult, 'stdout' | 'stderr' | 'interleaving'>) {
  for (const piece of interleavedOutput(output))
    (piece.stream === 'stdout' ? process.stdout : process.stderr).write(piece.text);
}
