/**
 * A numpy job as a data user sends it: nothing says which runtime, the import sends it to
 * python-data. Submit -> result, and the container's own run time, per run.
 */
import type { Address } from 'viem';
import { runJob, type RequesterContext } from '@orange-cloud/sdk';

const source = [
  'import numpy as np',
  'm = np.random.default_rng(1).random((300, 300))',
  'print(round(float(np.linalg.det(m @ m.T)) > 0))',
  '',
].join('\n');

export async function numpyJob(
  requester: RequesterContext,
  provider: Address,
  runs: number,
): Promise<{ runtime: string; submitToResultMs: number[]; containerRunMs: number[] }> {
  const submitToResultMs: number[] = [];
  const containerRunMs: number[] = [];
  let runtime = '';
  for (let i = 0; i < runs; i++) {
    const outcome = await runJob(
      requester,
      {
        fileName: 'numpy_job.py',
        source: new TextEncoder().encode(source),
        cores: 1,
        memoryMb: 512,
        timeoutSec: 60,
        provider,
      },
      (stage) => {
        if (stage.stage === 'quoted' && stage.runtime) runtime = stage.runtime.runtime;
      },
    );
    if (outcome.stdout !== '1\n')
      throw new Error(`numpy run ${i} returned ${JSON.stringify(outcome.stdout + outcome.stderr)}`);
    submitToResultMs.push(outcome.timings.completedMs!);
    containerRunMs.push(outcome.result!.timings.durationMs);
  }
  return { runtime, submitToResultMs, containerRunMs };
}
