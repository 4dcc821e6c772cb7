import { OrangeError } from '../errors.js';
import { DocumentFields, canonicalJson } from './document-fields.js';

/** The largest script accepted: jobs carry source code, not data. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;
/** The largest packed payload `unpackPayload` reads (room for several files later). */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const MAX_FILES = 256;

/** What the container receives: files at relative paths and the one to run. */
export interface Payload {
  version: 1;
  entrypoint: string;
  files: PayloadFile[];
}

export interface PayloadFile {
  /** Relative, `/`-separated, no `.` or `..` segments. */
  path: string;
  /** UTF-8 text. */
  content: string;
}

export interface ScriptFile {
  /** Base name of the file, e.g. `main.py`. */
  fileName: string;
  bytes: Uint8Array;
}

/** C0 controls and DEL: never part of a file name or path we write. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * True for a plain base name of a Python file: ends in `.py`, has a stem, no path
 * separators or control characters, and does not start with `-` (it would read as an
 * interpreter option) or `.` (hidden files, `..`).
 */
export function isScriptFileName(name: string): boolean {
  return (
    name.length > 3 &&
    Buffer.byteLength(name) <= 255 &&
    name.endsWith('.py') &&
    !/[/\\]/.test(name) &&
    !hasControlCharacter(name) &&
    !name.startsWith('-') &&
    !name.startsWith('.')
  );
}

/** Checks a script and packs it as the job payload (UTF-8 canonical JSON). */
export function packScript(script: ScriptFile): Uint8Array {
  const { fileName, bytes } = script;
  if (!isScriptFileName(fileName)) {
    throw new OrangeError(
      'UNSUPPORTED_FILE',
      `"${fileName}" is not a Python file name Orange Cloud can run.`,
      {
        hint: 'Run a file whose name ends in .py and does not start with "-" or ".".',
      },
    );
  }
  if (bytes.length > MAX_SCRIPT_BYTES) {
    throw new OrangeError(
      'SCRIPT_TOO_LARGE',
      `${fileName} is ${bytes.length} bytes; scripts may be at most ${MAX_SCRIPT_BYTES} bytes (1 MiB).`,
      { hint: 'Move data out of the script; jobs carry source code only. Nothing was posted.' },
    );
  }
  const content = decodeSource(fileName, bytes);
  if (content.trim().length === 0) {
    throw new OrangeError('EMPTY_SCRIPT', `${fileName} is empty: there is nothing to run.`, {
      hint: 'Save the file with some Python code first. Nothing was posted.',
    });
  }
  const payload: Payload = {
    version: 1,
    entrypoint: fileName,
    files: [{ path: fileName, content }],
  };
  return new TextEncoder().encode(canonicalJson(payload));
}

function decodeSource(fileName: string, bytes: Uint8Array): string {
  const binary = (cause?: unknown) =>
    new OrangeError(
      'BINARY_SCRIPT',
      `${fileName} is not text: only UTF-8 Python source can run on Orange Cloud.`,
      {
        hint: 'Check that you picked the right file and that it is saved as UTF-8. Nothing was posted.',
        cause,
      },
    );
  if (bytes.includes(0)) throw binary();
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw binary(error);
  }
}

const fields = new DocumentFields(
  'PAYLOAD_INVALID',
  'job payload',
  "The requester's client produced a payload this provider cannot run; the job cannot start.",
);

/** True for a relative, `/`-separated path that stays inside the directory it is written to. */
export function isSafeRelativePath(path: string): boolean {
  if (
    path.length === 0 ||
    Buffer.byteLength(path) > 1024 ||
    hasControlCharacter(path) ||
    path.includes('\\')
  )
    return false;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Parses and validates a packed payload (the inverse of `packScript`). */
export function unpackPayload(bytes: Uint8Array): Payload {
  if (bytes.length > MAX_PAYLOAD_BYTES)
    throw fields.fail('', `is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const root = fields.object(fields.parseJson(bytes), '', ['version', 'entrypoint', 'files']);
  fields.literal(root, 'version', 1);
  const entrypoint = fields.string(root, 'entrypoint');
  if (!isScriptFileName(entrypoint))
    throw fields.fail('entrypoint', 'must be a Python file name (name.py)');
  const list = root.files;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_FILES) {
    throw fields.fail('files', `must be a list of 1 to ${MAX_FILES} files`);
  }
  const seen = new Set<string>();
  const files = list.map((item: unknown, index) => {
    const at = `files[${index}]`;
    const file = fields.object(item, at, ['path', 'content']);
    const path = fields.string(file, `${at}.path`);
    if (!isSafeRelativePath(path))
      throw fields.fail(
        `${at}.path`,
        'must be a safe relative path (no "..", no leading "/", no control characters)',
      );
    if (seen.has(path)) throw fields.fail(`${at}.path`, `repeats "${path}"`);
    seen.add(path);
    return { path, content: fields.string(file, `${at}.content`) };
  });
  if (!seen.has(entrypoint))
    throw fields.fail('entrypoint', `names "${entrypoint}", which is not among the files`);
  return { version: 1, entrypoint, files };
}
