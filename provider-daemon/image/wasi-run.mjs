// Runs a WASI preview-1 module with Node's own WASI, inside the job's container (installed in
// the node image as /usr/lib/orange-cloud/wasi-run.mjs by scripts/ensure-runtime-image.sh).
// Usage: node --experimental-wasi-unstable-preview1 --no-warnings wasi-run.mjs ENTRY.wasm
// The module sees the job folder (the working directory) pre-opened as `.`, nothing else of the
// file system; its argv is [ENTRY.wasm]; its environment is ORANGE_OUTPUT_DIR=out alone. Its
// exit code is the process's.
import { readFile } from 'node:fs/promises';
import process from 'node:process';
import { WASI } from 'node:wasi';

const { WebAssembly } = globalThis;

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('orange-cloud wasi-run: no module to run\n');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: [entry],
  env: { ORANGE_OUTPUT_DIR: 'out' },
  preopens: { '.': '.' },
  returnOnExit: true,
});
let instance;
try {
  const module = await WebAssembly.compile(await readFile(entry));
  instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
} catch (error) {
  process.stderr.write(`orange-cloud wasi-run: ${entry} is not a WASI module: ${error.message}\n`);
  process.exit(2);
}
process.exitCode = wasi.start(instance);
