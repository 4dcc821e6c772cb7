import type { JobOutputs, SkippedOutput } from '@orange-cloud/sdk';

/** One returned file, written under the job's outputs folder. */
export interface SavedOutputFile {
  /** Relative to the job's `out/` folder, `/`-separated. */
  path: string;
  bytes: number;
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

/**
 * Fetches the files a finished job returned (its result's `outputs`), checks them against that
 * list and writes them into a folder made for the job under `parentDir` (`<jobId>/`, or
 * `<jobId>-2/` when that exists). The protocol is the SDK's; the extension only decides where
 * and shows what came back.
 */
export type SaveOutputs = (
  jobId: bigint,
  outputs: JobOutputs,
  parentDir: string,
) => Promise<SavedOutputs>;
