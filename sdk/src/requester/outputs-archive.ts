import { OrangeError, type OrangeErrorCode } from '../errors.js';
import { isSafeRelativePath } from '../job/paths.js';
import type { OutputFile } from '../job/result.js';
import { readTarEntries, type TarEntryHeader } from '../job/tar-entries.js';

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
  const seen = new Set<string>();
  /** Why an entry may not be read as a listed file, if it may not. */
  const admit = ({ name, type, size }: TarEntryHeader): OrangeError | undefined => {
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
    seen.add(name);
    return undefined;
  };
  const entries = await readTarEntries(tar, {
    admit,
    check: ({ header, sha256 }) => {
      const file = expected.get(header.name)!;
      return sha256 === file.sha256
        ? undefined
        : refuse(
            'OUTPUTS_MISMATCH',
            `${named(file.path)} has SHA-256 ${sha256}; the result lists ${file.sha256}`,
          );
    },
    unreadable: (cause) =>
      refuse('OUTPUTS_INVALID', 'the archive is not a readable tar archive', cause),
  });
  const missing = listed.find((file) => !seen.has(file.path));
  if (missing)
    throw refuse('OUTPUTS_MISMATCH', `${named(missing.path)} is listed but not in the archive`);
  return entries.map(({ header, content }) => ({ ...expected.get(header.name)!, content }));
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
