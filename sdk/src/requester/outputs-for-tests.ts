import { createHash } from 'node:crypto';
import { pack, type Header } from 'tar-stream';
import type { PublicKey } from '@nucypher/umbral-pre';
import { sealForRequester } from '../crypto/result-box.js';
import { encodeSealedResult, type JobOutputs, type OutputFile } from '../job/result.js';

/** One tar entry as a provider (honest or not) may write it. */
export type TarEntry = Partial<Header> & Pick<Header, 'name'> & { content?: Uint8Array | string };

/** A tar archive of exactly these entries, in this order: nothing normalised or checked. */
export async function tarOf(entries: readonly TarEntry[]): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const { content, ...header } of entries) {
    if (content === undefined) archive.entry({ mtime: new Date(0), ...header });
    else archive.entry({ mtime: new Date(0), mode: 0o644, ...header }, Buffer.from(content));
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** What a result lists for a file with this content. */
export function listed(path: string, content: Uint8Array | string): OutputFile {
  const bytes = Buffer.from(content);
  return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Seals an archive to the job's public key and stores it the way a provider does (the sealed
 * result's form), returning the `outputs` a result would carry for it.
 */
export async function storeSealedArchive(
  put: (bytes: Uint8Array) => Promise<string>,
  jobPublicKey: PublicKey,
  tar: Uint8Array,
  files: OutputFile[],
  extra: Partial<JobOutputs> = {},
): Promise<JobOutputs> {
  const sealed = encodeSealedResult(sealForRequester(jobPublicKey, tar));
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
