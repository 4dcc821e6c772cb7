/**
 * Hello world in each runtime (python3, node, wasi) on one provider that offers all three:
 * submit -> result and the container's own run time, per run. The .wasm is C compiled here with
 * Debian's clang (installed by provider-daemon/scripts/ensure-wasi-toolchain.sh when missing).
 */
import type { Address } from 'viem';
import { runJob, type RequesterContext } from '@orange-cloud/sdk';
import { compileWasi } from '@orange-cloud/provider-daemon/testing';

export interface RuntimeHelloFigures {
  submitToResultMs: number[];
  containerRunMs: number[];
}

export async function runtimeHello(
  requester: RequesterContext,
  provider: Address,
  runs: number,
): Promise<Record<string, RuntimeHelloFigures>> {
  const encoder = new TextEncoder();
  const jobs = [
    { runtime: 'python3', fileName: 'hello.py', source: encoder.encode('print("hello, world")\n') },
    {
      runtime: 'node',
      fileName: 'hello.js',
      source: encoder.encode('console.log("hello, world");\n'),
    },
    {
      runtime: 'wasi',
      fileName: 'hello.wasm',
      source: await compileWasi('#include <stdio.h>\nint main(void) { puts("hello, world"); }\n'),
    },
  ];
  const figures: Record<string, RuntimeHelloFigures> = {};
  for (const job of jobs) {
    const entry: RuntimeHelloFigures = { submitToResultMs: [], containerRunMs: [] };
    for (let i = 0; i < runs; i++) {
      const outcome = await runJob(requester, {
        fileName: job.fileName,
        source: job.source,
        cores: 1,
        memoryMb: 256,
        timeoutSec: 30,
        provider,
      });
      if (outcome.stdout !== 'hello, world\n')
        throw new Error(
          `${job.runtime} run ${i} returned ${JSON.stringify(outcome.stdout + outcome.stderr)}`,
        );
      entry.submitToResultMs.push(outcome.timings.completedMs!);
      entry.containerRunMs.push(outcome.result!.timings.durationMs);
    }
    figures[job.runtime] = entry;
  }
  return figures;
}
