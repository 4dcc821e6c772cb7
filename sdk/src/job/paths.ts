import { ENTRY_EXTENSIONS, entryExtension } from '../runtime/runtime-catalog.js';

/** C0 controls and DEL: never part of a file name or path we write. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * True for a plain base name of a file some catalog runtime runs: ends in one of its
 * extensions (`.py`, `.js`, `.wasm`, ...), has a stem, no path separators or control
 * characters, and does not start with `-` (it would read as an interpreter option) or `.`
 * (hidden files, `..`).
 */
export function isScriptFileName(name: string): boolean {
  const extension = entryExtension(name);
  return (
    name.length > extension.length &&
    Buffer.byteLength(name) <= 255 &&
    ENTRY_EXTENSIONS.includes(extension) &&
    name.endsWith(extension) &&
    !/[/\\]/.test(name) &&
    !hasControlCharacter(name) &&
    !name.startsWith('-') &&
    !name.startsWith('.')
  );
}

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

/**
 * True for the project-relative path of a file to run: safe, ending in a runnable file name,
 * and not starting with `-` (the path is passed to the interpreter as its first argument).
 */
export function isEntrypointPath(path: string): boolean {
  return (
    isSafeRelativePath(path) &&
    !path.startsWith('-') &&
    isScriptFileName(path.slice(path.lastIndexOf('/') + 1))
  );
}

/** Where the payload carries dependency wheels; the project walk never sends a `.orange/` folder. */
export const WHEELS_DIR = '.orange/wheels';

/** A PEP 427 wheel file name: `dist-version[-build]-python-abi-platform.whl`, nothing else. */
const WHEEL_FILE =
  /^[A-Za-z0-9_.]+-[A-Za-z0-9_.!+]+(-[0-9][A-Za-z0-9_.]*)?-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+\.whl$/;

export function isWheelFileName(name: string): boolean {
  return name.length <= 255 && WHEEL_FILE.test(name) && !name.startsWith('.');
}

/** Where the payload carries a Node.js project's prepared npm dependencies. */
export const NPM_DIR = '.orange/npm';
/**
 * The prepared production tree (the contents of `node_modules`) as one tar: the provider
 * unpacks it offline beside the job, so no registry is ever contacted from the container.
 */
export const NODE_MODULES_ARCHIVE = `${NPM_DIR}/node_modules.tar`;
/** An empty file, present only when the requester allowed the tree's install scripts to run. */
export const INSTALL_SCRIPTS_ALLOWED = `${NPM_DIR}/allow-install-scripts`;
/** The most files a prepared npm tree may hold: a large application's tree is a few thousand. */
export const MAX_NODE_MODULES_FILES = 50_000;
