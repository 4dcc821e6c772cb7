import { OutputOrder, type OutputSegment } from '@orange-cloud/sdk';
import type { OutputChunk } from './types.js';

/**
 * Keeps the first `capBytes` of stdout+stderr combined, in arrival order,
 * forwarding each kept piece to `onOutput`. Everything past the cap is
 * dropped and `truncated` is set: the caller then stops the job, because
 * output that cannot be delivered is paid compute wasted, and draining an
 * unbounded flood would keep the provider busy for nothing.
 */
export class OutputCollector {
  private readonly stdoutChunks: Uint8Array[] = [];
  private readonly stderrChunks: Uint8Array[] = [];
  private readonly order = new OutputOrder();
  private kept = 0;
  private truncatedFlag = false;

  constructor(
    private readonly capBytes: number,
    private readonly onOutput?: (chunk: OutputChunk) => void,
  ) {}

  /** Adds a chunk; returns true when this chunk pushed the output over the cap. */
  add(stream: OutputChunk['stream'], data: Uint8Array): boolean {
    if (this.truncatedFlag || data.length === 0) return false;
    const room = this.capBytes - this.kept;
    const overflow = data.length > room;
    const piece = overflow ? data.subarray(0, room) : data;
    if (piece.length > 0) {
      // copy: the source buffer belongs to the socket and may be reused
      const copy = Uint8Array.from(piece);
      (stream === 'stdout' ? this.stdoutChunks : this.stderrChunks).push(copy);
      this.kept += copy.length;
      this.order.add(stream, copy.length);
      this.onOutput?.({ stream, data: copy });
    }
    if (overflow) this.truncatedFlag = true;
    return overflow;
  }

  get truncated(): boolean {
    return this.truncatedFlag;
  }

  /** The order the kept chunks arrived in, as runs of bytes. */
  get interleaving(): OutputSegment[] {
    return this.order.segments();
  }

  get stdout(): Uint8Array {
    return concat(this.stdoutChunks);
  }

  get stderr(): Uint8Array {
    return concat(this.stderrChunks);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
