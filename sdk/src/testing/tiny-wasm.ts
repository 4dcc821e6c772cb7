/**
 * Builds a tiny WebAssembly module byte by byte, for tests that need a `.wasm` file without a
 * toolchain: one function imported from `importModule` (`proc_exit(i32)`), a memory, and a
 * `_start` that calls it with `exitCode`; `exports` chooses which of `_start` and `memory` it
 * exports.
 */
export function tinyWasm(
  options: {
    importModule?: string;
    exports?: readonly ('_start' | 'memory')[];
    exitCode?: number;
  } = {},
): Uint8Array {
  const importModule = options.importModule ?? 'wasi_snapshot_preview1';
  const exported = options.exports ?? ['_start', 'memory'];
  const text = (s: string) => [s.length, ...Buffer.from(s)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const exportsBody = exported.flatMap((name) =>
    name === '_start' ? [...text('_start'), 0x00, 0x01] : [...text('memory'), 0x02, 0x00],
  );
  const code = [0x00, 0x41, (options.exitCode ?? 0) & 0x3f, 0x10, 0x00, 0x0b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: 0 = () -> (), 1 = (i32) -> ()
    ...section(1, [0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00]),
    ...section(2, [0x01, ...text(importModule), ...text('proc_exit'), 0x00, 0x01]),
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [exported.length, ...exportsBody]),
    ...section(10, [0x01, code.length, ...code]),
  ]);
}
