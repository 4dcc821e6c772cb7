import { pack } from 'tar-stream';
import type { SandboxFile } from './types.js';

/**
 * Packs the job's files into a tar archive for the bootstrap to unpack from
 * stdin. Only plain files with fixed, non-executable permissions: the archive
 * carries no owners, links or modes from the requester.
 */
export async function packJobFiles(files: readonly SandboxFile[]): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Uint8Array[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const file of files) {
    archive.entry(
      { name: file.path, type: 'file', mode: 0o644, size: file.content.length },
      Buffer.from(file.content),
    );
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
