import { MAX_VISITED_ENTRIES } from './bootstrap.js';

/** 10,000 entries with 1 KiB paths and their reasons, JSON-escaped, fit well within this. */
export const MAX_REPORT_BYTES = 32 * 1024 * 1024;

const MIB = 1024 * 1024;

/**
 * The most tar bytes a cap of `capBytes` of file content can take: each listed entry adds a
 * header, a pax header for long or non-ASCII names and padding (at most 2 KiB together), and
 * the archive ends with two zero blocks padded to a 10 KiB record.
 */
export function archiveCapBytes(capBytes: number): number {
  return capBytes + MAX_VISITED_ENTRIES * 2048 + 10 * 1024;
}

/**
 * The bound on what the engine keeps of a container's stdout and stderr (its `local` log, read
 * back only when a restarted daemon re-attaches to the container): twice the most a run the
 * daemon follows can write (output cap, the out/ archive and its report), since the log also
 * stores a small header per line. Past it the engine starts the log over; a job that writes
 * that much while no daemon watches it loses the head of its output.
 */
export function containerLogCapMb(outputCapBytes: number, outputsCapBytes: number): number {
  const most = outputCapBytes + archiveCapBytes(outputsCapBytes) + MAX_REPORT_BYTES;
  return Math.ceil((2 * most) / MIB);
}
