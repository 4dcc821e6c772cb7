import { FRAME_REPORT, FRAME_TAR, MAX_TAR_FRAME_BYTES } from './bootstrap.js';

/** The outputs section as it arrived: complete, or why it is not usable. */
export type OutputsSection =
  | { complete: true; archive: Uint8Array; report: Uint8Array }
  | { complete: false; reason: string; /** it broke the daemon's cap */ truncated: boolean };

const FRAME_HEADER_BYTES = 5;
const OVER_CAP = "it is larger than the daemon's outputs cap allows";

/**
 * Reads the framed bytes the bootstrap writes after the outputs marker (see FRAMING in
 * bootstrap.ts): tar frames, then one report frame. It keeps at most `archiveCapBytes` of
 * tar and `reportCapBytes` of report; `push` returns false once the section broke a rule
 * (too large, unknown frame type, bytes after the report), after which the caller stops the
 * container and the section is dropped with `reason`.
 */
export class OutputsSectionReader {
  private readonly archiveChunks: Uint8Array[] = [];
  private archiveBytes = 0;
  private readonly pending = new ByteQueue();
  /** The header of the frame being received, once its 5 bytes are in. */
  private frame: { kind: number; length: number } | undefined;
  private report: Uint8Array | undefined;
  private broken: string | undefined;
  private overCap = false;

  constructor(
    private readonly archiveCapBytes: number,
    private readonly reportCapBytes: number,
  ) {}

  push(chunk: Uint8Array): boolean {
    if (this.broken !== undefined) return false;
    if (chunk.length === 0) return true;
    if (this.report !== undefined) return this.fail('it carries bytes after its report');
    this.pending.push(chunk);
    for (;;) {
      if (this.frame === undefined) {
        if (this.pending.length < FRAME_HEADER_BYTES) return true;
        const header = this.pending.take(FRAME_HEADER_BYTES);
        const frame = {
          kind: header[0]!,
          length: new DataView(header.buffer, header.byteOffset + 1, 4).getUint32(0),
        };
        const problem = this.frameProblem(frame);
        if (problem !== undefined) return this.fail(problem);
        this.frame = frame;
      }
      if (this.pending.length < this.frame.length) return true;
      const payload = this.pending.take(this.frame.length);
      if (this.frame.kind === FRAME_TAR) {
        this.archiveChunks.push(payload);
        this.archiveBytes += payload.length;
        this.frame = undefined;
      } else {
        this.report = payload;
        this.frame = undefined;
        return this.pending.length === 0 || this.fail('it carries bytes after its report');
      }
    }
  }

  /** Call once the stream ended. */
  finish(): OutputsSection {
    if (this.broken !== undefined)
      return { complete: false, reason: this.broken, truncated: this.overCap };
    if (this.report === undefined) {
      return {
        complete: false,
        reason: 'the sandbox ended before it finished sending out/',
        truncated: false,
      };
    }
    const archive = concatAll(this.archiveChunks);
    this.archiveChunks.length = 0;
    return { complete: true, archive, report: this.report };
  }

  private frameProblem(frame: { kind: number; length: number }): string | undefined {
    if (frame.kind === FRAME_TAR) {
      if (frame.length > MAX_TAR_FRAME_BYTES) return 'it has an oversized archive frame';
      if (this.archiveBytes + frame.length > this.archiveCapBytes) return OVER_CAP;
      return undefined;
    }
    if (frame.kind === FRAME_REPORT) {
      return frame.length > this.reportCapBytes ? OVER_CAP : undefined;
    }
    return 'it has an unknown frame type';
  }

  private fail(reason: string): false {
    this.broken = `the outputs section was refused: ${reason}`;
    this.overCap = reason === OVER_CAP;
    this.archiveChunks.length = 0;
    this.pending.clear();
    return false;
  }
}

/** Received bytes not yet consumed; joins only what is taken, so a large frame costs O(n). */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  length = 0;

  /** Keeps a view of `chunk`: the attach stream hands out a fresh buffer per chunk. */
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  take(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const piece = chunk.subarray(this.head, this.head + count - filled);
      out.set(piece, filled);
      filled += piece.length;
      this.head += piece.length;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.length -= count;
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.length = 0;
  }
}

function concatAll(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
