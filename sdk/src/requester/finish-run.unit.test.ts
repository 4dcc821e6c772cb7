import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobView } from '../chain/market-state.js';
import { sealForRequester } from '../crypto/result-box.js';
import { encodeResult, encodeSealedResult, type JobResult } from '../job/result.js';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel } from '../keys/umbral-keys.js';
import type { PaymentTerms } from '../payments/payment-terms.js';
import { finishRun } from './finish-run.js';
import { MemoryStore, listed, storeSealedArchive, tarOf } from './outputs-for-tests.js';
import type { RequesterContext, RunInProgress, RunStage } from './run-types.js';

describe('finishing a run with returned files (real Umbral, store in memory)', () => {
  const keys = jobKeys(
    walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret,
    newJobKeyLabel(),
  );
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'orange-finish-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** A completed job whose sealed result lists `content` as out/report.txt, archived as `archived`. */
  async function completedJob(content: string, archived = content) {
    const store = new MemoryStore();
    const outputs = await storeSealedArchive(
      (b) => store.put(b),
      keys.publicKey,
      await tarOf([{ name: 'report.txt', content: archived }]),
      [listed('report.txt', content)],
    );
    const result: JobResult = {
      version: 1,
      kind: 'orange-cloud/result',
      jobId: '9',
      exitCode: 0,
      stdout: 'done\n',
      stderr: '',
      outputTruncated: false,
      timedOut: false,
      outOfMemory: false,
      timings: {
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-01-01T00:00:01.000Z',
        durationMs: 1000,
      },
      outputs,
    };
    const resultCid = await store.put(
      encodeSealedResult(sealForRequester(keys.publicKey, encodeResult(result))),
    );
    const job = { jobId: 9n, status: 'completed', resultCid, exitCode: 0 } as JobView;
    return { store, job };
  }

  function runOf(store: MemoryStore, outputsDir: string | undefined, stages: RunStage[]) {
    const run: RunInProgress = {
      ctx: { store } as unknown as RequesterContext,
      jobId: 9n,
      manifestCid: 'manifest',
      keys,
      timings: { postedMs: 1, acceptedMs: 2, startedMs: 3, completedMs: undefined },
      gasUsed: { hire: 1n, cancel: undefined },
      expiredHires: [],
      paymentTerms: {} as PaymentTerms,
      outputsDir,
      since: () => 4,
      onStage: (stage) => stages.push(stage),
    };
    return run;
  }

  it('saves the files under outputsDir/<jobId>/ after the finished stage', async () => {
    const { store, job } = await completedJob('42\n');
    const stages: RunStage[] = [];
    const outcome = await finishRun(runOf(store, join(root, 'orange-out'), stages), job, {});
    assert.equal(outcome.stdout, 'done\n');
    assert.equal(outcome.outputsError, undefined);
    assert.equal(outcome.outputs?.dir, join(root, 'orange-out', '9'));
    assert.deepEqual(
      outcome.outputs?.files.map((f) => f.path),
      ['report.txt'],
    );
    assert.equal(await readFile(join(root, 'orange-out', '9', 'report.txt'), 'utf8'), '42\n');
    assert.equal(stages.at(-1)?.stage, 'finished');
  });

  it('keeps the run when the archive is refused: output and status come back with the reason', async () => {
    const { store, job } = await completedJob('42\n', '41\n');
    const outcome = await finishRun(runOf(store, join(root, 'orange-out'), []), job, {});
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.stdout, 'done\n');
    assert.equal(outcome.outputs, undefined);
    assert.equal(outcome.outputsError?.code, 'OUTPUTS_MISMATCH');
    assert.match(outcome.outputsError?.message ?? '', /"report\.txt" has SHA-256/);
    assert.deepEqual(await readdir(join(root, 'orange-out')), []);
  });

  it('leaves the files in the store when no outputsDir is given', async () => {
    const { store, job } = await completedJob('42\n');
    const outcome = await finishRun(runOf(store, undefined, []), job, {});
    assert.equal(outcome.outputs, undefined);
    assert.equal(outcome.outputsError, undefined);
    assert.ok(outcome.result?.outputs?.cid, 'the result still names the archive');
    assert.deepEqual(await readdir(root), []);
  });
});
