/**
 * Offline install time of a five-wheel dependency set: wheels this bench writes itself
 * (resolved by the real pip from a local folder, no index), sealed with the script, installed
 * inside the provider's container before the entry runs. Returns each run's `installMs`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from 'viem';
import {
  PYTHON3_TARGET,
  packScriptAlone,
  runJob,
  systemPip,
  type RequesterContext,
} from '@orange-cloud/sdk';
import { writeTestWheel } from '@orange-cloud/sdk/testing';

const WHEELS = 5;
/** Modules per wheel and their size: about 160 KiB of Python source a wheel. */
const MODULES = 40;
const MODULE_BYTES = 4096;

export async function dependencyInstall(
  requester: RequesterContext,
  provider: Address,
  runs: number,
): Promise<{ wheelBytes: number; installMs: number[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'orange-bench-deps-'));
  try {
    const names = Array.from({ length: WHEELS }, (_, i) => `orange_bench_${i}`);
    for (const name of names) {
      const files: Record<string, string> = { [`${name}/__init__.py`]: 'VALUE = 1\n' };
      for (let m = 0; m < MODULES; m++)
        files[`${name}/module_${m}.py`] = `# ${'x'.repeat(MODULE_BYTES - 10)}\nX = ${m}\n`;
      await writeTestWheel(dir, { name, version: '1.0', files });
    }
    const source = [
      '# /// script',
      `# dependencies = [${names.map((n) => `"${n}"`).join(', ')}]`,
      '# ///',
      ...names.map((n) => `import ${n}`),
      'print("imported")',
      '',
    ].join('\n');
    const file = join(dir, 'deps.py');
    await writeFile(file, source);
    const payload = await packScriptAlone(file, new TextEncoder().encode(source), {
      target: PYTHON3_TARGET,
      cacheDir: join(dir, 'cache'),
      pip: systemPip({ env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } }),
      pipArgs: ['--no-index', '--find-links', dir],
    });
    const wheelBytes = payload.summary.dependencies!.wheels.reduce((sum, w) => sum + w.bytes, 0);
    const installMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const outcome = await runJob(requester, {
        fileName: 'deps.py',
        source: new TextEncoder().encode(source),
        payload,
        cores: 1,
        memoryMb: 256,
        timeoutSec: 30,
        provider,
      });
      const ms = outcome.result?.timings.installMs;
      if (outcome.stdout !== 'imported\n' || ms === undefined)
        throw new Error(`dependency run ${i}: ${outcome.stdout} ${outcome.stderr}`);
      installMs.push(ms);
    }
    return { wheelBytes, installMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
