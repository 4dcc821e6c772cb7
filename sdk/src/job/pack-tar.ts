import { pack, type Pack } from 'tar-stream';

/** One regular file for `packTar`. */
export interface TarFile {
  path: string;
  mode: number;
  content: Uint8Array;
}

/**
 * The bytes of a tar that `fill` writes entries into (and does not finalize): tar-stream's
 * packer is a stream, and every tar the SDK builds is small enough to hold whole.
 */
export async function tarBytes(fill: (archive: Pack) => void): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  fill(archive);
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * A tar of regular files only, in the given order, with mtime 0: the same files always pack to
 * the same bytes. The payload and the prepared npm tree it may carry both use it.
 */
export function packTar(files: Iterable<TarFile>): Promise<Buffer> {
  return tarBytes((archive) => {
    for (const file of files) {
      archive.entry(
        {
          name: file.path,
          type: 'file',
          mode: file.mode,
          size: file.content.length,
          mtime: new Date(0),
        },
        Buffer.from(file.content.buffer, file.content.byteOffset, file.content.length),
      );
    }
  });
}
