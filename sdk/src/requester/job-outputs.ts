import { OrangeError } from '../errors.js';
import type { ContentStore } from '../store/content-store.js';
import type { JobKeys } from '../keys/umbral-keys.js';
import { openAsRequester } from '../crypto/result-box.js';
import {
  MAX_SEALED_OUTPUTS_BYTES,
  type JobOutputs,
  type OutputFile,
  type SkippedOutput,
} from '../job/result.js';
import { parseSealedOutputs } from '../job/sealed-outputs.js';
import { readOutputsArchive } from './outputs-archive.js';
import { OutputsFolder } from './outputs-folder.js';

export { checkOutputsParent } from './outputs-folder.js';

/** A returned file as saved on this machine. */
export interface SavedOutputFile extends OutputFile {
  /** Absolute path of the saved copy. */
  savedPath: string;
}

/** What came back from a job's `out/` folder, once saved. */
export interface SavedOutputs {
  /** The folder made for this job's files; undefined when no file came back. */
  dir: string | undefined;
  files: SavedOutputFile[];
  /** What the provider reports it did not return, and why. */
  skipped: SkippedOutput[];
  /** Some files did not fit under the provider's outputs cap. */
  truncated: boolean;
  /** The job did not end on its own: files may be half-written. */
  partial: boolean;
}

export interface SaveOutputsRequest {
  jobId: bigint;
  /** The `outputs` of the job's opened result. */
  outputs: JobOutputs;
  /** The job's keys: the archive is sealed to the same key as the result. */
  keys: JobKeys;
  /** The folder under which `<jobId>/` is made (CLI: ./orange-out; VS Code: .orange/outputs). */
  parentDir: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Fetches a job's sealed archive of returned files, bounded by the size its result states,
 * opens it with the job's key, checks every entry against the result's list, and only then
 * writes the files into a folder made fresh for the job. A hostile or broken archive is
 * refused whole with an OrangeError naming the entry, and leaves no folder behind.
 */
export async function saveJobOutputs(
  store: ContentStore,
  request: SaveOutputsRequest,
): Promise<SavedOutputs> {
  const { outputs } = request;
  const saved: SavedOutputs = {
    dir: undefined,
    files: [],
    skipped: outputs.skipped,
    truncated: outputs.truncated,
    partial: outputs.partial,
  };
  if (outputs.files.length === 0 || outputs.cid === undefined) return saved;
  checkStatedSizes(outputs);
  const folder = await OutputsFolder.claim(request.parentDir, request.jobId.toString());
  try {
    const sealed = await store.get(outputs.cid, {
      maxBytes: outputs.sealedBytes,
      timeoutMs: request.timeoutMs ?? 120_000,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const tar = openAsRequester(request.keys, openable(sealed, outputs), 'returned files');
    const files = await readOutputsArchive(tar, outputs.files);
    const paths = await folder.write(files);
    return {
      ...saved,
      dir: folder.path,
      files: files.map((file, i) => ({
        path: file.path,
        bytes: file.bytes,
        sha256: file.sha256,
        savedPath: paths[i]!,
      })),
    };
  } catch (error) {
    await folder.discard();
    throw error;
  }
}

/** A tar holds its files' bytes uncompressed: a sealed archive smaller than them is a lie. */
function checkStatedSizes(outputs: JobOutputs): void {
  const listed = outputs.files.reduce((sum, file) => sum + file.bytes, 0);
  if (listed > outputs.sealedBytes || outputs.sealedBytes > MAX_SEALED_OUTPUTS_BYTES) {
    throw new OrangeError(
      'OUTPUTS_MISMATCH',
      `The returned files were refused: the result lists ${listed} bytes of files in a sealed archive of ${outputs.sealedBytes} bytes.`,
      { hint: "The provider's result breaks the protocol; nothing was fetched or saved." },
    );
  }
}

/** The archive's stored form: a header line with the capsule, then the raw ciphertext. */
function openable(sealed: Uint8Array, outputs: JobOutputs) {
  try {
    return parseSealedOutputs(sealed);
  } catch (error) {
    throw new OrangeError(
      'OUTPUTS_INVALID',
      `The returned files were refused: ${outputs.cid} is not a sealed archive.`,
      { hint: "The provider's archive breaks the protocol; nothing was saved.", cause: error },
    );
  }
}
