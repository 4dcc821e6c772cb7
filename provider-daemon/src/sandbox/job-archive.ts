import { pack } from 'tar-stream';
import type { SandboxFile } from './types.js';

/**
 * Packs the job's files into a tar archive for the bootstrap to unpack from
 * stdin. Only plain files, with the requester's mode (644 or 755, checked by
 * `validateRunSpec`) and no owners or links.
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
      { name: file.path, type: 'file', mode: file.mode, size: file.content.length },
      Buffer.from(file.content),
    );
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
