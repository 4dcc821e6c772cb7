import { OrangeError } from '../errors.js';

/** Umbral's ciphertext adds a fixed 40 bytes (nonce and tag) to what it seals. */
export const SEAL_OVERHEAD_BYTES = 40;
/** The default cap on a sealed project: big enough for data files, small enough to move. */
export const DEFAULT_MAX_PROJECT_BYTES = 50 * 1024 * 1024;
/** How many files a summary or a refusal names. */
const SHOWN = 3;

export interface ProjectFileSize {
  path: string;
  bytes: number;
}

/** What the user is shown before anything is posted. */
export interface ProjectSummary {
  files: number;
  sealedBytes: number;
  /** The largest files, largest first. */
  largest: ProjectFileSize[];
}

export function summarizeProject(
  files: readonly ProjectFileSize[],
  packedBytes: number,
): ProjectSummary {
  return {
    files: files.length,
    sealedBytes: packedBytes + SEAL_OVERHEAD_BYTES,
    largest: largestFirst(files).slice(0, SHOWN),
  };
}

function largestFirst(files: readonly ProjectFileSize[]): ProjectFileSize[] {
  return [...files].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
}

/** Refuses a project whose sealed size exceeds the cap, naming the files that make it big. */
export function checkProjectCap(
  files: readonly ProjectFileSize[],
  sealedBytes: number,
  maxBytes: number,
): void {
  if (sealedBytes <= maxBytes) return;
  const offenders = largestFirst(files)
    .slice(0, SHOWN)
    .map((f) => `${f.path} (${formatBytes(f.bytes)})`)
    .join(', ');
  throw new OrangeError(
    'PROJECT_TOO_LARGE',
    `The project is ${formatBytes(sealedBytes)} sealed, over the ${formatBytes(maxBytes)} cap; largest: ${offenders}.`,
    {
      hint: 'List big files in .orangeignore, raise the cap (--max-project-mb), or run the file alone (--no-project). Nothing was posted.',
    },
  );
}

/** `12.4 KiB`, `3.0 MiB`: sizes the way the user reads them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The stage line shells print before posting. */
export function projectSummaryLine(summary: ProjectSummary): string {
  const largest = summary.largest.map((f) => `${f.path} ${formatBytes(f.bytes)}`).join(', ');
  const noun = summary.files === 1 ? 'file' : 'files';
  return `sending ${summary.files} ${noun}, ${formatBytes(summary.sealedBytes)} sealed (largest: ${largest})`;
}
