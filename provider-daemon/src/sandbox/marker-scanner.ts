/** What one pushed chunk splits into. */
export interface ScannedChunk {
  /** Bytes that are certainly the job's own output, in order. */
  before: Uint8Array;
  /** Bytes after the marker (the marker itself excluded); set from the chunk that completes it. */
  after?: Uint8Array;
}

/**
 * Splits a byte stream at the first occurrence of a marker that may arrive split across
 * chunks. Before the marker, only a tail that could still be the start of the marker is held
 * back, so the job's live output is delayed by at most marker-length bytes, and only when
 * its last bytes look like the marker's start. Once found, every later byte is `after`.
 */
export class MarkerScanner {
  private held: Uint8Array = new Uint8Array(0);
  private found = false;

  constructor(private readonly marker: Uint8Array) {
    if (marker.length === 0) throw new RangeError('the marker must not be empty');
  }

  get markerFound(): boolean {
    return this.found;
  }

  push(chunk: Uint8Array): ScannedChunk {
    if (this.found) return { before: new Uint8Array(0), after: chunk };
    const data = this.held.length === 0 ? chunk : concatBytes(this.held, chunk);
    const at = indexOf(data, this.marker);
    if (at >= 0) {
      this.found = true;
      this.held = new Uint8Array(0);
      return { before: data.subarray(0, at), after: data.subarray(at + this.marker.length) };
    }
    const keep = heldTailLength(data, this.marker);
    // copy the held tail: the chunk's buffer belongs to the socket and may be reused
    this.held = Uint8Array.from(data.subarray(data.length - keep));
    return { before: data.subarray(0, data.length - keep) };
  }

  /** At the end of the stream: the held tail, which turned out to be the job's output. */
  flush(): Uint8Array {
    const rest = this.held;
    this.held = new Uint8Array(0);
    return rest;
  }
}

/** The longest suffix of `data` that is a proper prefix of `marker`. */
function heldTailLength(data: Uint8Array, marker: Uint8Array): number {
  for (let length = Math.min(data.length, marker.length - 1); length > 0; length--) {
    let matches = true;
    for (let i = 0; i < length; i++) {
      if (data[data.length - length + i] !== marker[i]) {
        matches = false;
        break;
      }
    }
    if (matches) return length;
  }
  return 0;
}

function indexOf(data: Uint8Array, marker: Uint8Array): number {
  return Buffer.from(data.buffer, data.byteOffset, data.length).indexOf(marker);
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
