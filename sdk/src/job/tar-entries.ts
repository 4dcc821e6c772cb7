import { createHash } from 'node:crypto';
import { extract } from 'tar-stream';

/** What a tar header says of an entry, before its content is read. */
export interface TarEntryHeader {
  name: string;
  type: string | null | undefined;
  mode: number | undefined;
  size: number | undefined;
}

export interface TarEntry {
  header: TarEntryHeader;
  content: Buffer;
  /** Lowercase hex SHA-256 of the content. */
  sha256: string;
}

export interface TarEntryChecks {
  /** Sees each header before its content is read; returns why the entry is refused, if it is. */
  admit: (header: TarEntryHeader, index: number) => Error | undefined;
  /** Sees each admitted entry once read whole; returns why it is refused, if it is. */
  check?: (entry: TarEntry) => Error | undefined;
  /** The error for an archive that is not a readable tar. */
  unreadable: (cause: unknown) => Error;
}

/**
 * Reads a tar held in memory, strictly: every entry's header is admitted (or refused) before
 * its content is read, and the first refusal is thrown once the archive has been read. After
 * it the rest is only drained: destroying the reader mid-entry would leave the entry's stream
 * erroring with no listener. Payloads (provider side) and returned files (both sides) use it.
 */
export async function readTarEntries(tar: Uint8Array, checks: TarEntryChecks): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  let refusal: Error | undefined;
  let index = 0;
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.on('entry', (raw, stream, next) => {
    const header: TarEntryHeader = {
      name: raw.name,
      type: raw.type,
      mode: raw.mode,
      size: raw.size,
    };
    refusal ??= checks.admit(header, index++);
    if (refusal) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      parts.push(chunk);
    });
    stream.on('end', () => {
      const entry = { header, content: Buffer.concat(parts), sha256: hash.digest('hex') };
      refusal ??= checks.check?.(entry);
      if (!refusal) entries.push(entry);
      next();
    });
  });
  reader.end(Buffer.from(tar.buffer, tar.byteOffset, tar.length));
  try {
    await done;
  } catch (error) {
    throw checks.unreadable(error);
  }
  if (refusal) throw refusal;
  return entries;
}
