import { createHash } from 'node:crypto';
import { extract } from 'tar-stream';
import { OrangeError, type OrangeErrorCode } from '../errors.js';
import { isSafeRelativePath } from '../job/paths.js';
import type { OutputFile } from '../job/result.js';

/** A returned file read from the opened archive, checked against the result's list. */
export interface ArchivedOutput extends OutputFile {
  content: Uint8Array;
}

const HINT =
  "The provider's archive of returned files breaks the protocol, so none of its files were saved; the job's output is unaffected. Report the provider if this persists.";

function refuse(code: OrangeErrorCode, problem: string, cause?: unknown): OrangeError {
  return new OrangeError(code, `The returned files were refused: ${problem}.`, {
    hint: HINT,
    cause,
  });
}

const named = (path: string) => JSON.stringify(path);

/**
 * Reads the tar a provider returned and checks it entry by entry against the list in its
 * sealed result: only regular files with safe relative names, each once, each listed, each of
 * the listed size and SHA-256, and every listed file present. Anything else refuses the whole
 * archive with the offending entry named (OUTPUTS_ENTRY_REFUSED for what may never be
 * written, OUTPUTS_MISMATCH for what differs from the list), before a byte is written anywhere.
 */
export async function readOutputsArchive(
  tar: Uint8Array,
  listed: readonly OutputFile[],
): Promise<ArchivedOutput[]> {
  checkListedPaths(listed);
  const expected = new Map(listed.map((file) => [file.path, file]));
  const files: ArchivedOutput[] = [];
  const seen = new Set<string>();
  let refusal: OrangeError | undefined;
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.on('entry', (header, stream, next) => {
    const admitted = refusal ? refusal : admit(header.name, header.type, header.size);
    // After a refusal the rest is only drained: the archive is in memory already, and destroying
    // the reader mid-entry would leave the entry's stream erroring with no listener.
    if (admitted instanceof OrangeError) {
      refusal = admitted;
      stream.on('end', next);
      stream.resume();
      return;
    }
    const file = admitted;
    seen.add(file.path);
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      parts.push(chunk);
    });
    stream.on('end', () => {
      const sha256 = hash.digest('hex');
      if (sha256 !== file.sha256) {
        refusal ??= refuse(
          'OUTPUTS_MISMATCH',
          `${named(file.path)} has SHA-256 ${sha256}; the result lists ${file.sha256}`,
        );
      } else files.push({ ...file, content: Buffer.concat(parts) });
      next();
    });
  });
  /** The listed file an entry is read as, or why it may not be. */
  function admit(
    name: string,
    type: string | null | undefined,
    size: number | undefined,
  ): OutputFile | OrangeError {
    const no = (code: OrangeErrorCode, problem: string) =>
      refuse(code, `${named(name)} ${problem}`);
    if (type !== 'file')
      return no('OUTPUTS_ENTRY_REFUSED', `is a ${type ?? 'entry'}, not a regular file`);
    if (!isSafeRelativePath(name))
      return no(
        'OUTPUTS_ENTRY_REFUSED',
        'is not a safe relative path (no "..", no leading "/", no control characters)',
      );
    if (seen.has(name)) return no('OUTPUTS_ENTRY_REFUSED', 'appears twice in the archive');
    const file = expected.get(name);
    if (!file) return no('OUTPUTS_MISMATCH', "is in the archive but not in the result's list");
    if (size !== file.bytes)
      return no('OUTPUTS_MISMATCH', `holds ${size ?? 0} bytes; the result lists ${file.bytes}`);
    return file;
  }
  reader.end(Buffer.from(tar.buffer, tar.byteOffset, tar.length));
  try {
    await done;
  } catch (error) {
    throw refuse('OUTPUTS_INVALID', 'the archive is not a readable tar archive', error);
  }
  if (refusal) throw refusal;
  const missing = listed.find((file) => !seen.has(file.path));
  if (missing)
    throw refuse('OUTPUTS_MISMATCH', `${named(missing.path)} is listed but not in the archive`);
  return files;
}

/** Refuses a list where one file's path is the folder of another: both cannot be written. */
function checkListedPaths(listed: readonly OutputFile[]): void {
  const paths = new Set(listed.map((file) => file.path));
  for (const file of listed) {
    const segments = file.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      if (paths.has(folder))
        throw refuse(
          'OUTPUTS_ENTRY_REFUSED',
          `${named(folder)} is listed as a file and as the folder of ${named(file.path)}`,
        );
    }
  }
}
