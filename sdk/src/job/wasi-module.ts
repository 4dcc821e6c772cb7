import { OrangeError } from '../errors.js';

/**
 * The part of the WebAssembly JS API this check uses: Node has it, the SDK's type libraries
 * (no DOM) do not declare it.
 */
interface WasmModuleApi {
  Module: {
    new (bytes: Uint8Array): object;
    imports(module: object): { module: string; name: string; kind: string }[];
    exports(module: object): { name: string; kind: string }[];
  };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmModuleApi }).WebAssembly;

/** The only import module a module may use: what Node's WASI (preview 1) provides. */
export const WASI_IMPORT_MODULE = 'wasi_snapshot_preview1';

function notWasi(fileName: string, why: string, cause?: unknown): OrangeError {
  return new OrangeError('NOT_WASI_MODULE', `${fileName} is not a WASI module: ${why}.`, {
    hint: 'Build a WASI preview-1 command (e.g. clang --target=wasm32-wasi, or cargo build --target wasm32-wasi) that exports _start. Nothing was posted.',
    cause,
  });
}

/**
 * Checks that a `.wasm` entry is a WASI preview-1 command a provider can run: it compiles as
 * WebAssembly, imports only from `wasi_snapshot_preview1` (the runner provides nothing else)
 * and exports `_start` and its memory. Runs on the requester before anything is posted.
 */
export function checkWasiModule(fileName: string, bytes: Uint8Array): void {
  if (
    bytes.length < 8 ||
    bytes[0] !== 0 ||
    bytes[1] !== 0x61 ||
    bytes[2] !== 0x73 ||
    bytes[3] !== 0x6d
  )
    throw notWasi(fileName, 'it does not start with the WebAssembly magic bytes');
  let module: object;
  try {
    module = new wasm.Module(bytes);
  } catch (error) {
    throw notWasi(fileName, `it does not compile (${(error as Error).message})`, error);
  }
  const foreign = [
    ...new Set(
      wasm.Module.imports(module)
        .map((i) => i.module)
        .filter((m) => m !== WASI_IMPORT_MODULE),
    ),
  ];
  if (foreign.length > 0)
    throw notWasi(
      fileName,
      `it imports from ${foreign.slice(0, 3).join(', ')}, not only ${WASI_IMPORT_MODULE}`,
    );
  const exports = wasm.Module.exports(module);
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function'))
    throw notWasi(
      fileName,
      'it exports no _start function (a library, or a reactor, not a command)',
    );
  if (!exports.some((e) => e.name === 'memory' && e.kind === 'memory'))
    throw notWasi(fileName, 'it exports no memory');
}
