/**
 * Parser for Docker's multiplexed attach stream (non-TTY containers): each
 * frame is an 8-byte header [stream type, 0, 0, 0, size as uint32 BE]
 * followed by `size` bytes. Frames arrive in the order the engine read them,
 * so parsing one stream (instead of dockerode's demuxStream into two
 * separate streams) keeps stdout/stderr interleaving intact.
 */
export interface MultiplexedFrame {
  stream: 'stdout' | 'stderr';
  data: Uint8Array;
}

const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;

export class MultiplexedStreamParser {
  private pending: Uint8Array = new Uint8Array(0);

  /** Feeds raw socket bytes; returns every frame completed by them. */
  push(chunk: Uint8Array): MultiplexedFrame[] {
    this.pending = this.pending.length === 0 ? chunk : joinBytes(this.pending, chunk);
    const frames: MultiplexedFrame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_BYTES) {
      const view = new DataView(
        this.pending.buffer,
        this.pending.byteOffset + offset,
        HEADER_BYTES,
      );
      const type = view.getUint8(0);
      const size = view.getUint32(4);
      if (this.pending.length - offset - HEADER_BYTES < size) break;
      const data = this.pending.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + size);
      offset += HEADER_BYTES + size;
      // types 0 (stdin) and 3 (engine system error) carry no job output
      if (type === STDOUT) frames.push({ stream: 'stdout', data });
      else if (type === STDERR) frames.push({ stream: 'stderr', data });
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes of an incomplete frame left over (non-zero at stream end means a cut-off stream). */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
