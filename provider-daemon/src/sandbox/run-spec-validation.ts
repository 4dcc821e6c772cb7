import { invalidRunSpec } from './errors.js';
import type { RunSpec } from './types.js';

/** Docker refuses memory limits below 6 MiB; Python itself needs more than that to start. */
const MIN_MEMORY_MB = 16;

/**
 * Rejects a spec before any container exists. File paths arrive from the
 * requester's manifest, so they are checked here (and again by the bootstrap
 * inside the container) rather than trusted.
 */
export function validateRunSpec(spec: RunSpec): void {
  if (spec.jobId.trim() === '') throw invalidRunSpec('the job id is empty');
  if (spec.image.trim() === '') throw invalidRunSpec('no runtime image is named');
  requirePositive('cores', spec.cores);
  requirePositive('timeoutSec', spec.timeoutSec);
  if (!Number.isInteger(spec.memoryMb) || spec.memoryMb < MIN_MEMORY_MB) {
    throw invalidRunSpec(
      `memoryMb must be a whole number of at least ${MIN_MEMORY_MB}, got ${spec.memoryMb}`,
    );
  }
  if (!Number.isInteger(spec.outputCapBytes) || spec.outputCapBytes < 0) {
    throw invalidRunSpec(`outputCapBytes must be a whole number >= 0, got ${spec.outputCapBytes}`);
  }
  if (!Number.isSafeInteger(spec.outputsCapBytes) || spec.outputsCapBytes < 0) {
    throw invalidRunSpec(
      `outputsCapBytes must be a whole number >= 0, got ${spec.outputsCapBytes}`,
    );
  }
  if (spec.files.length === 0) throw invalidRunSpec('it has no files');
  const seen = new Set<string>();
  for (const file of spec.files) {
    validateFilePath(file.path);
    validateFileMode(file.path, file.mode);
    if (seen.has(file.path))
      throw invalidRunSpec(`the file ${JSON.stringify(file.path)} appears twice`);
    seen.add(file.path);
  }
  for (const path of seen) {
    // a file and a directory of the same name cannot both exist
    if (seen.has(path.slice(0, path.lastIndexOf('/')))) {
      throw invalidRunSpec(`${JSON.stringify(path)} lies under another file's path`);
    }
  }
  if (!seen.has(spec.entrypoint)) {
    throw invalidRunSpec(
      `the entrypoint ${JSON.stringify(spec.entrypoint)} is not one of its files`,
    );
  }
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0)
    throw invalidRunSpec(`${name} must be a positive number, got ${value}`);
}

/** Modes a job file may have: readable, executable or not; never setuid, setgid or writable by others. */
const FILE_MODES = [0o644, 0o755];

export function validateFileMode(path: string, mode: number): void {
  if (!FILE_MODES.includes(mode)) {
    throw invalidRunSpec(
      `the file ${JSON.stringify(path)} has mode ${mode.toString(8)}; only 644 and 755 are allowed`,
    );
  }
}

/** A relative POSIX path made only of real names: no absolute paths, no `..`, no `.`, no empty segments. */
export function validateFilePath(path: string): void {
  const quoted = JSON.stringify(path);
  if (path === '') throw invalidRunSpec('a file has an empty path');
  if (path.includes('\0')) throw invalidRunSpec(`the file path ${quoted} contains a NUL byte`);
  if (path.includes('\\'))
    throw invalidRunSpec(`the file path ${quoted} contains a backslash; use "/"`);
  if (path.startsWith('/'))
    throw invalidRunSpec(`the file path ${quoted} is absolute; it must be relative`);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw invalidRunSpec(`the file path ${quoted} has an empty, "." or ".." segment`);
    }
  }
}
