import {
  MAX_OUTPUT_ENTRIES,
  hasControlCharacter,
  isSafeRelativePath,
  readTarEntries,
  type OutputFile,
  type RunOutputs,
  type SkippedOutput,
} from '@orange-cloud/sdk';
import type { OutputsSection } from './outputs-section.js';

/** What the bootstrap reports about the job and its out/ folder (the `R` frame). */
export interface BootstrapReport {
  files: OutputFile[];
  skipped: SkippedOutput[];
  truncated: boolean;
  partial: boolean;
  exitCode: number | null;
  signal: number | null;
  runMs: number;
  /** Time spent installing the job's dependency wheels; absent when none were installed. */
  installMs?: number;
}

/** A report or archive that cannot be used; its message becomes the reason the outputs were dropped. */
export class OutputsRefused extends Error {}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_REASON_CHARS = 200;

/**
 * Parses the bootstrap's JSON report strictly, with the same rules a requester applies to
 * `result.outputs` (sdk/src/job/result.ts), so what the daemon publishes always parses.
 */
export function parseBootstrapReport(bytes: Uint8Array): BootstrapReport {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new OutputsRefused('its report is not UTF-8 JSON');
  }
  const root = record(
    value,
    'the report',
    ['files', 'skipped', 'truncated', 'partial', 'exitCode', 'signal', 'runMs'],
    ['installMs'],
  );
  const files = list(root.files, 'files');
  const skipped = list(root.skipped, 'skipped');
  if (files.length + skipped.length > MAX_OUTPUT_ENTRIES)
    throw new OutputsRefused(`its report lists more than ${MAX_OUTPUT_ENTRIES} entries`);
  const seen = new Set<string>();
  return {
    files: files.map((item, i) => {
      const file = record(item, `files[${i}]`, ['path', 'bytes', 'sha256']);
      const path = safePath(file.path, `files[${i}].path`);
      if (seen.has(path)) throw new OutputsRefused(`its report lists ${path} twice`);
      seen.add(path);
      if (typeof file.sha256 !== 'string' || !SHA256_HEX.test(file.sha256))
        throw new OutputsRefused(`files[${i}].sha256 is not a lowercase hex SHA-256`);
      return { path, bytes: count(file.bytes, `files[${i}].bytes`), sha256: file.sha256 };
    }),
    skipped: skipped.map((item, i) => {
      const entry = record(item, `skipped[${i}]`, ['path', 'reason']);
      const reason = entry.reason;
      if (
        typeof reason !== 'string' ||
        reason.length === 0 ||
        reason.length > MAX_REASON_CHARS ||
        hasControlCharacter(reason)
      )
        throw new OutputsRefused(`skipped[${i}].reason is not a short line of text`);
      return { path: safePath(entry.path, `skipped[${i}].path`), reason };
    }),
    truncated: flag(root.truncated, 'truncated'),
    partial: flag(root.partial, 'partial'),
    exitCode: root.exitCode === null ? null : count(root.exitCode, 'exitCode'),
    signal: root.signal === null ? null : count(root.signal, 'signal'),
    runMs: count(root.runMs, 'runMs'),
    ...(root.installMs !== undefined && root.installMs !== null
      ? { installMs: count(root.installMs, 'installMs') }
      : {}),
  };
}

/**
 * The dependency install time the bootstrap reported, or undefined when it installed nothing
 * or its report cannot be read (the outputs then say why).
 */
export function reportedInstallMs(section: OutputsSection | undefined): number | undefined {
  if (!section?.complete) return undefined;
  try {
    return parseBootstrapReport(section.report).installMs;
  } catch (error) {
    if (error instanceof OutputsRefused) return undefined;
    throw error;
  }
}

/**
 * Checks the archive holds exactly the reported files, in order, with their sizes and
 * SHA-256 digests, and nothing else: the requester checks the same, and a provider should
 * never publish an archive its own list contradicts.
 */
export async function verifyArchive(archive: Uint8Array, files: OutputFile[]): Promise<void> {
  if (files.length === 0) {
    if (archive.length > 0) throw new OutputsRefused('it sent an archive but listed no files');
    return;
  }
  let checked = 0;
  const entries = await readTarEntries(archive, {
    admit: (header, index) => {
      const expected = files[index];
      return expected && header.type === 'file' && header.name === expected.path
        ? undefined
        : new OutputsRefused(`its archive entry ${index + 1} is not ${expected?.path ?? 'listed'}`);
    },
    check: ({ content, sha256 }) => {
      const expected = files[checked++]!;
      return content.length === expected.bytes && sha256 === expected.sha256
        ? undefined
        : new OutputsRefused(`its archive's ${expected.path} differs from its report`);
    },
    unreadable: (cause) =>
      new OutputsRefused(`its archive is not a valid tar (${(cause as Error).message})`),
  });
  if (entries.length !== files.length)
    throw new OutputsRefused('its archive holds fewer files than its report lists');
}

/**
 * Turns what arrived after the marker into the run's outputs: undefined when the job left
 * out/ empty (or never made it), otherwise the checked archive and list. Anything that cannot
 * be used is dropped, and the outputs say so in `skipped` rather than failing the run.
 */
export async function readOutputs(
  section: OutputsSection | undefined,
  stopped: boolean,
): Promise<RunOutputs | undefined> {
  if (section === undefined) {
    return dropped('the sandbox ended before it could collect out/');
  }
  if (!section.complete) return dropped(section.reason, section.truncated);
  try {
    const report = parseBootstrapReport(section.report);
    await verifyArchive(section.archive, report.files);
    if (report.files.length === 0 && report.skipped.length === 0 && !report.truncated)
      return undefined;
    return {
      archive: section.archive,
      files: report.files,
      skipped: report.skipped,
      truncated: report.truncated,
      partial: report.partial || stopped,
    };
  } catch (error) {
    if (error instanceof OutputsRefused)
      return dropped(`the outputs were refused: ${error.message}`);
    throw error;
  }
}

/** Outputs that could not be collected: nothing comes back, and the one entry says why. */
function dropped(reason: string, truncated = false): RunOutputs {
  return {
    archive: new Uint8Array(0),
    files: [],
    skipped: [{ path: 'out', reason: reason.slice(0, MAX_REASON_CHARS) }],
    truncated,
    partial: true,
  };
}

function record(
  value: unknown,
  where: string,
  keys: string[],
  optional: string[] = [],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new OutputsRefused(`${where} is not an object`);
  const found = Object.keys(value);
  if (
    !keys.every((key) => key in value) ||
    !found.every((key) => keys.includes(key) || optional.includes(key))
  )
    throw new OutputsRefused(`${where} does not have exactly the fields ${keys.join(', ')}`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new OutputsRefused(`${where} is not a list`);
  return value;
}

function safePath(value: unknown, where: string): string {
  if (typeof value !== 'string' || !isSafeRelativePath(value))
    throw new OutputsRefused(`${where} is not a safe relative path`);
  return value;
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new OutputsRefused(`${where} is not a whole number >= 0`);
  return value;
}

function flag(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new OutputsRefused(`${where} is not true or false`);
  return value;
}
