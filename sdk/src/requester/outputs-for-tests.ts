import { createHash } from 'node:crypto';
import type { Header } from 'tar-stream';
import { tarBytes } from '../job/pack-tar.js';
import type { PublicKey } from '@nucypher/umbral-pre';
import { OrangeError } from '../errors.js';
import type { ContentStore, FetchLimits } from '../store/content-store.js';
import { sealForRequester } from '../crypto/result-box.js';
import type { JobOutputs, OutputFile } from '../job/result.js';
import { encodeSealedOutputs } from '../job/sealed-outputs.js';

/** One tar entry as a provider (honest or not) may write it. */
export type TarEntry = Partial<Header> & Pick<Header, 'name'> & { content?: Uint8Array | string };

/** A tar archive of exactly these entries, in this order: nothing normalised or checked. */
export function tarOf(entries: readonly TarEntry[]): Promise<Uint8Array> {
  return tarBytes((archive) => {
    for (const { content, ...header } of entries) {
      if (content === undefined) archive.entry({ mtime: new Date(0), ...header });
      else archive.entry({ mtime: new Date(0), mode: 0o644, ...header }, Buffer.from(content));
    }
  });
}

/** What a result lists for a file with this content. */
export function listed(path: string, content: Uint8Array | string): OutputFile {
  const bytes = Buffer.from(content);
  return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Seals an archive to the job's public key and stores it the way a provider does
 * (`encodeSealedOutputs`), returning the `outputs` a result would carry for it.
 */
export async function storeSealedArchive(
  put: (bytes: Uint8Array) => Promise<string>,
  jobPublicKey: PublicKey,
  tar: Uint8Array,
  files: OutputFile[],
  extra: Partial<JobOutputs> = {},
): Promise<JobOutputs> {
  const sealed = encodeSealedOutputs(sealForRequester(jobPublicKey, tar));
  return {
    cid: await put(sealed),
    sealedBytes: sealed.length,
    files,
    skipped: [],
    truncated: false,
    partial: false,
    ...extra,
  };
}

/** Content by key in memory, bounded like a real store (a stand-in for IPFS in unit tests). */
export class MemoryStore implements ContentStore {
  private readonly blobs = new Map<string, Uint8Array>();
  async put(bytes: Uint8Array): Promise<string> {
    const cid = `mem-${createHash('sha256').update(bytes).digest('hex')}`;
    this.blobs.set(cid, bytes);
    return cid;
  }
  async get(cid: string, limits: FetchLimits): Promise<Uint8Array> {
    const bytes = this.blobs.get(cid);
    if (!bytes) throw new OrangeError('CONTENT_NOT_FOUND', `no ${cid}`);
    if (bytes.length > limits.maxBytes)
      throw new OrangeError('CONTENT_TOO_LARGE', `${cid} too big`);
    return bytes;
  }
  addresses = () => [];
  connect = async () => {};
  stop = async () => {};
}
