/**
 * The order in which a job's stdout and stderr were printed. A result keeps the two streams
 * apart (a requester may want either alone), so the interleaving travels beside them as a
 * list of runs: "this many characters of stdout, then this many of stderr, ...". Without it,
 * a result read after the job ended (no live stream to follow) could only be shown as all of
 * stdout, then all of stderr: a traceback before the lines printed ahead of it.
 */

export type OutputStreamName = 'stdout' | 'stderr';

/** One run of output from one stream; `length` counts bytes or characters (see its user). */
export interface OutputSegment {
  stream: OutputStreamName;
  length: number;
}

/** The most runs a result carries: past it, the rest of each stream follows as one run each. */
export const MAX_OUTPUT_SEGMENTS = 10_000;

/**
 * Records the order of output chunks as they arrive, in bytes: adjacent chunks of one stream
 * make one run. Bounded: after MAX_OUTPUT_SEGMENTS runs, what follows is only counted, and
 * `segments` ends with the rest of stdout, then the rest of stderr.
 */
export class OutputOrder {
  private readonly runs: OutputSegment[] = [];
  private readonly rest: Record<OutputStreamName, number> = { stdout: 0, stderr: 0 };

  add(stream: OutputStreamName, bytes: number): void {
    if (bytes === 0) return;
    const overflowing = this.rest.stdout + this.rest.stderr > 0;
    const last = this.runs.at(-1);
    if (!overflowing && last?.stream === stream) last.length += bytes;
    else if (!overflowing && this.runs.length < MAX_OUTPUT_SEGMENTS)
      this.runs.push({ stream, length: bytes });
    else this.rest[stream] += bytes;
  }

  /** The runs so far, in bytes (a copy). */
  segments(): OutputSegment[] {
    const runs = this.runs.map((run) => ({ ...run }));
    for (const stream of ['stdout', 'stderr'] as const)
      if (this.rest[stream] > 0) runs.push({ stream, length: this.rest[stream] });
    return runs;
  }
}

/**
 * Decodes both streams as UTF-8 and turns runs counted in bytes into runs counted in the
 * decoded strings' characters (UTF-16 code units), so that a reader slices the strings without
 * re-encoding them. A character split across two chunks counts in the run where it ends.
 * Returns undefined when the runs do not add up to the streams' sizes.
 */
export function decodeInterleaved(
  stdout: Uint8Array,
  stderr: Uint8Array,
  byteSegments: readonly OutputSegment[],
): { stdout: string; stderr: string; segments: OutputSegment[] | undefined } {
  const bytes = { stdout, stderr };
  const decoders = {
    stdout: new TextDecoder('utf-8', { fatal: false }),
    stderr: new TextDecoder('utf-8', { fatal: false }),
  };
  const text = { stdout: '', stderr: '' };
  const offsets = { stdout: 0, stderr: 0 };
  const whole = () => ({
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
    segments: undefined,
  });
  const segments: OutputSegment[] = [];
  for (const { stream, length } of byteSegments) {
    const end = offsets[stream] + length;
    if (end > bytes[stream].length) return whole();
    const piece = decoders[stream].decode(bytes[stream].subarray(offsets[stream], end), {
      stream: true,
    });
    offsets[stream] = end;
    text[stream] += piece;
    segments.push({ stream, length: piece.length });
  }
  if (offsets.stdout !== stdout.length || offsets.stderr !== stderr.length) return whole();
  for (const stream of ['stdout', 'stderr'] as const) {
    const tail = decoders[stream].decode();
    if (tail.length === 0) continue;
    text[stream] += tail;
    const last = segments.findLast((segment) => segment.stream === stream);
    if (last) last.length += tail.length;
  }
  return { ...text, segments: mergeRuns(segments) };
}

/** Drops empty runs (a run of bytes that only began a character) and joins neighbours. */
function mergeRuns(segments: OutputSegment[]): OutputSegment[] {
  const merged: OutputSegment[] = [];
  for (const segment of segments) {
    if (segment.length === 0) continue;
    const last = merged.at(-1);
    if (last?.stream === segment.stream) last.length += segment.length;
    else merged.push({ ...segment });
  }
  return merged;
}

/**
 * The output as it was printed: pieces of stdout and stderr in order. Without recorded runs
 * (or runs that do not match the strings), all of stdout, then all of stderr.
 */
export function interleavedOutput(output: {
  stdout: string;
  stderr: string;
  interleaving?: readonly OutputSegment[];
}): { stream: OutputStreamName; text: string }[] {
  const fallback = [
    { stream: 'stdout' as const, text: output.stdout },
    { stream: 'stderr' as const, text: output.stderr },
  ].filter((piece) => piece.text.length > 0);
  if (!output.interleaving || !segmentsMatch(output.interleaving, output)) return fallback;
  const offsets = { stdout: 0, stderr: 0 };
  return output.interleaving.map(({ stream, length }) => {
    const text = output[stream].slice(offsets[stream], offsets[stream] + length);
    offsets[stream] += length;
    return { stream, text };
  });
}

/** Whether the runs add up to exactly the two strings' lengths. */
export function segmentsMatch(
  segments: readonly OutputSegment[],
  output: { stdout: string; stderr: string },
): boolean {
  const sums = { stdout: 0, stderr: 0 };
  for (const { stream, length } of segments) sums[stream] += length;
  return sums.stdout === output.stdout.length && sums.stderr === output.stderr.length;
}
