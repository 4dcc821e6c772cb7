import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENSURE = fileURLToPath(new URL('../../scripts/ensure-wasi-toolchain.sh', import.meta.url));
let toolchain: Promise<unknown> | undefined;

/**
 * Compiles C source to a wasm32-wasi command module with Debian's clang, lld and wasi-libc,
 * installing them first when missing (scripts/ensure-wasi-toolchain.sh, once per process).
 */
export async function compileWasi(source: string): Promise<Uint8Array> {
  toolchain ??= run('bash', [ENSURE]);
  await toolchain;
  const dir = await mkdtemp(join(tmpdir(), 'orange-wasi-'));
  try {
    await writeFile(join(dir, 'main.c'), source);
    // -s: no debug sections, a few kB instead of ~200 kB
    await run('clang', [
      '--target=wasm32-wasi',
      '-O2',
      '-s',
      '-o',
      join(dir, 'main.wasm'),
      join(dir, 'main.c'),
    ]);
    return new Uint8Array(await readFile(join(dir, 'main.wasm')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
