import { OrangeError } from '../errors.js';
import { DocumentFields, canonicalJson } from './document-fields.js';
import { packTar } from './pack-tar.js';
import { readTarEntries } from './tar-entries.js';
import { checkWasiModule } from './wasi-module.js';
import { ENTRY_EXTENSIONS, runtimesForEntry } from '../runtime/runtime-catalog.js';
import {
  INSTALL_SCRIPTS_ALLOWED,
  NODE_MODULES_ARCHIVE,
  WHEELS_DIR,
  isEntrypointPath,
  isSafeRelativePath,
  isWheelFileName,
} from './paths.js';

export {
  INSTALL_SCRIPTS_ALLOWED,
  MAX_NODE_MODULES_FILES,
  NODE_MODULES_ARCHIVE,
  NPM_DIR,
  WHEELS_DIR,
  hasControlCharacter,
  isEntrypointPath,
  isSafeRelativePath,
  isScriptFileName,
  isWheelFileName,
} from './paths.js';

/** The largest entry script accepted: the entry file itself is source code, not data. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;
/**
 * The largest packed payload anyone reads: room for the default 50 MiB sealed project cap
 * plus the archive's headers. Providers fetch at most this much for one job.
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
const MAX_FILES = 10_000;
/** The most wheels one job installs: a large scientific stack is a few dozen. */
export const MAX_WHEELS = 500;
/** The only modes a file travels with: the executable bit is all that matters to a run. */
export const FILE_MODES = [0o644, 0o755] as const;
export type FileMode = (typeof FILE_MODES)[number];
/** The first line of a packed payload names its format, so a provider never guesses. */
const HEADER_KIND = 'orange-cloud/payload';
/** Room for the entry and a list of MAX_WHEELS wheel file names. */
const MAX_HEADER_BYTES = 160 * 1024;

/** What the container receives: the project's files and the one to run. */
export interface Payload {
  version: 2;
  /** Project-relative path of the file to run, e.g. `main.py` or `src/app.py`. */
  entrypoint: string;
  /**
   * Every file that travels: the project's, and each dependency wheel at
   * `.orange/wheels/<file name>` (a name the project walk never sends).
   */
  files: PayloadFile[];
  /**
   * The wheel file names the provider installs, offline, before the entry runs; each is in
   * `files` under WHEELS_DIR. Absent or empty: nothing to install.
   */
  wheels?: string[];
  /**
   * Present when the payload carries a prepared npm tree at NODE_MODULES_ARCHIVE, which the
   * provider unpacks offline before the entry runs.
   */
  npm?: NpmPart;
}

/** What the payload says about the npm tree it carries. */
export interface NpmPart {
  /**
   * The requester allowed the tree's install scripts for this job: they run in the container,
   * offline, before the entry, and INSTALL_SCRIPTS_ALLOWED travels too. Otherwise none runs.
   */
  installScripts: boolean;
}

export interface PayloadFile {
  /** Relative, `/`-separated, no `.` or `..` segments. */
  path: string;
  mode: FileMode;
  content: Uint8Array;
}

export interface ScriptFile {
  /** Base name of the file, e.g. `main.py`. */
  fileName: string;
  bytes: Uint8Array;
}

/** The mode a local file travels with: executable for the owner or not, nothing else. */
export function payloadMode(localMode: number): FileMode {
  return localMode & 0o100 ? 0o755 : 0o644;
}

/**
 * Checks the file the user asked to run: a file name some runtime runs (`.py`, `.js`, `.mjs`,
 * `.cjs`, `.wasm`), at most 1 MiB, and either UTF-8 source that is not empty or, for `.wasm`, a
 * WASI command module. Cheap and synchronous, so shells call it before any network work.
 */
export function checkScript(script: ScriptFile): void {
  const { fileName, bytes } = script;
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  if (!isEntrypointPath(fileName)) {
    throw new OrangeError(
      'UNSUPPORTED_FILE',
      `"${fileName}" is not a file name Orange Cloud can run.`,
      {
        hint: `Run a file whose name ends in ${ENTRY_EXTENSIONS.join(', ')} and does not start with "-" or ".".`,
      },
    );
  }
  if (bytes.length > MAX_SCRIPT_BYTES) {
    throw new OrangeError(
      'SCRIPT_TOO_LARGE',
      `${base} is ${bytes.length} bytes; scripts may be at most ${MAX_SCRIPT_BYTES} bytes (1 MiB).`,
      {
        hint: 'Move data into files beside the script; they travel with the project. Nothing was posted.',
      },
    );
  }
  if (runtimesForEntry(fileName)[0]?.language === 'wasm') return checkWasiModule(base, bytes);
  const content = decodeSource(base, bytes);
  if (content.trim().length === 0) {
    throw new OrangeError('EMPTY_SCRIPT', `${base} is empty: there is nothing to run.`, {
      hint: 'Save the file with some code first. Nothing was posted.',
    });
  }
}

function decodeSource(fileName: string, bytes: Uint8Array): string {
  const binary = (cause?: unknown) =>
    new OrangeError(
      'BINARY_SCRIPT',
      `${fileName} is not text: only UTF-8 source (or a .wasm module) can run on Orange Cloud.`,
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

/** A payload of one file: the script alone, for a run without its project. */
export function scriptPayload(script: ScriptFile): Payload {
  checkScript(script);
  return {
    version: 2,
    entrypoint: script.fileName,
    files: [{ path: script.fileName, mode: 0o644, content: script.bytes }],
  };
}

/**
 * Packs a payload as one header line (`{"version":2,"kind":…,"entrypoint":…}`) followed by a
 * tar archive of the files. Tar keeps bytes and modes as they are (JSON with base64 would grow
 * them by a third) and the daemon already speaks it.
 */
export async function packPayload(payload: Payload): Promise<Uint8Array> {
  const header = canonicalJson({
    version: payload.version,
    kind: HEADER_KIND,
    entrypoint: payload.entrypoint,
    // Only present when there is something to install: a payload without wheels is unchanged.
    wheels: payload.wheels?.length ? payload.wheels : undefined,
    npm: payload.npm,
  });
  const tar = await packTar(payload.files);
  return Buffer.concat([new TextEncoder().encode(header + '\n'), tar]);
}

const fields = new DocumentFields(
  'PAYLOAD_INVALID',
  'job payload',
  "The requester's client produced a payload this provider cannot run; the job cannot start.",
);

/** Parses and validates a packed payload (the inverse of `packPayload`). */
export async function unpackPayload(bytes: Uint8Array): Promise<Payload> {
  if (bytes.length > MAX_PAYLOAD_BYTES)
    throw fields.fail('', `is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const newline = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
  if (newline < 0) throw fields.fail('', 'has no header line');
  const root = fields.object(
    fields.parseJson(bytes.subarray(0, newline)),
    '',
    ['version', 'kind', 'entrypoint'],
    ['wheels', 'npm'],
  );
  fields.literal(root, 'version', 2);
  fields.literal(root, 'kind', HEADER_KIND);
  const entrypoint = fields.string(root, 'entrypoint');
  if (!isEntrypointPath(entrypoint) || isReserved(entrypoint))
    throw fields.fail(
      'entrypoint',
      'must be the relative path of a file a runtime runs (dir/name.py, .js, .wasm, ...)',
    );
  const wheels = 'wheels' in root ? readWheelList(root.wheels) : [];
  const npm = 'npm' in root ? readNpmPart(root.npm) : undefined;
  const files = await readArchive(bytes.subarray(newline + 1));
  if (files.length === 0) throw fields.fail('files', 'must hold at least one file');
  if (!files.some((f) => f.path === entrypoint))
    throw fields.fail('entrypoint', `names "${entrypoint}", which is not among the files`);
  checkReservedMembers(files, wheels, npm);
  return {
    version: 2,
    entrypoint,
    files,
    ...(wheels.length ? { wheels } : {}),
    ...(npm ? { npm } : {}),
  };
}

/** True for a path under `.orange/`, which only the payload's own dependencies may use. */
function isReserved(path: string): boolean {
  return path === '.orange' || path.startsWith('.orange/');
}

function readWheelList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_WHEELS)
    throw fields.fail('wheels', `must be a list of 1 to ${MAX_WHEELS} wheel file names`);
  const seen = new Set<string>();
  return value.map((name: unknown, i) => {
    if (typeof name !== 'string' || !isWheelFileName(name))
      throw fields.fail(
        `wheels.${i}`,
        'must be a wheel file name (name-version-py-abi-platform.whl)',
      );
    if (seen.has(name)) throw fields.fail(`wheels.${i}`, `repeats ${JSON.stringify(name)}`);
    seen.add(name);
    return name;
  });
}

function readNpmPart(value: unknown): NpmPart {
  const part = fields.object(value, 'npm', ['installScripts']);
  return { installScripts: fields.boolean(part, 'npm.installScripts') };
}

/**
 * `.orange/` holds exactly what the header announces, each as a plain 644 file: the listed
 * wheels, and with `npm` the tree's archive (and the allowance marker when scripts may run).
 * Nothing else hides there.
 */
function checkReservedMembers(
  files: readonly PayloadFile[],
  wheels: readonly string[],
  npm: NpmPart | undefined,
): void {
  const listed = new Map(wheels.map((name) => [`${WHEELS_DIR}/${name}`, 'wheels']));
  if (npm) listed.set(NODE_MODULES_ARCHIVE, 'npm');
  if (npm?.installScripts) listed.set(INSTALL_SCRIPTS_ALLOWED, 'npm.installScripts');
  for (const file of files) {
    if (!isReserved(file.path)) continue;
    if (!listed.has(file.path))
      throw fields.fail(
        'files',
        `holds ${JSON.stringify(file.path)}, which the header does not announce as a dependency`,
      );
    if (file.mode !== 0o644)
      throw fields.fail(
        'files',
        `holds dependency ${JSON.stringify(file.path)} with mode ${file.mode.toString(8)}`,
      );
    listed.delete(file.path);
  }
  const missing = [...listed][0];
  if (missing)
    throw fields.fail(
      missing[1],
      `names ${JSON.stringify(missing[0])}, which is not among the files`,
    );
}

async function readArchive(tar: Uint8Array): Promise<PayloadFile[]> {
  const seen = new Set<string>();
  const entries = await readTarEntries(tar, {
    admit: ({ name, type, mode }, index) => {
      const problem = entryProblem(name, type, mode, seen, index);
      seen.add(name);
      return problem ? fields.fail(`files[${index}]`, problem) : undefined;
    },
    unreadable: (cause) => fields.fail('files', 'is not a readable tar archive', cause),
  });
  return entries.map(({ header, content }) => ({
    path: header.name,
    mode: header.mode as FileMode,
    content,
  }));
}

function entryProblem(
  name: string,
  type: string | null | undefined,
  mode: number | undefined,
  seen: Set<string>,
  count: number,
): string | undefined {
  if (count >= MAX_FILES) return `exceeds ${MAX_FILES} files`;
  if (type !== 'file') return `${JSON.stringify(name)} is a ${type ?? 'entry'}, not a regular file`;
  if (!isSafeRelativePath(name))
    return `${JSON.stringify(name)} is not a safe relative path (no "..", no leading "/", no control characters)`;
  if (seen.has(name)) return `repeats ${JSON.stringify(name)}`;
  if (!FILE_MODES.includes(mode as FileMode))
    return `${JSON.stringify(name)} has mode ${(mode ?? 0).toString(8)}; only 644 and 755 travel`;
  return undefined;
}
