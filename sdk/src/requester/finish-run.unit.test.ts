import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobView } from '../chain/market-state.js';
import { sealForRequester } from '../crypto/result-box.js';
import { privateKeyToAccount } from 'viem/accounts';
import { encodeResult, encodeSealedResult, signResult, type JobResult } from '../job/result.js';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel } from '../keys/umbral-keys.js';
import type { PaymentTerms } from '../payments/payment-terms.js';
import { finishRun } from './finish-run.js';
import type { LiveCheck, LiveSession } from './live-session.js';
import { MemoryStore, listed, storeSealedArchive, tarOf } from './outputs-for-tests.js';
import type { RequesterContext, RunInProgress, RunStage } from './run-types.js';

const MARKET = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const provider = privateKeyToAccount(`0x${'a1'.repeat(32)}`);

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

  /**
   * A completed job whose sealed result lists `content` as out/report.txt, archived as
   * `archived`; signed by the job's provider for job 9 unless `tamper` says otherwise.
   */
  async function completedJob(
    content: string,
    archived = content,
    tamper: { jobId?: string; unsigned?: boolean } = {},
  ) {
    const store = new MemoryStore();
    const outputs = await storeSealedArchive(
      (b) => store.put(b),
      keys.publicKey,
      await tarOf([{ name: 'report.txt', content: archived }]),
      [listed('report.txt', content)],
    );
    const result: JobResult = {
      version: 2,
      kind: 'orange-cloud/result',
      binding: { chainId: 31337, market: MARKET, jobId: tamper.jobId ?? '9' },
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
    const document = tamper.unsigned ? encodeResult(result) : await signResult(provider, result);
    const resultCid = await store.put(
      encodeSealedResult(sealForRequester(keys.publicKey, document)),
    );
    const job = {
      jobId: 9n,
      status: 'completed',
      provider: provider.address,
      resultCid,
      exitCode: 0,
    } as JobView;
    return { store, job };
  }

  /** Where the job's provider is registered now (it may have restarted since the hire). */
  const PROVIDER_PEER = '/ip4/127.0.0.1/tcp/4011/p2p/12D3KooWprovider';

  function runOf(store: MemoryStore, outputsDir: string | undefined, stages: RunStage[]) {
    const run: RunInProgress = {
      ctx: {
        store,
        market: { connection: { chainId: 31337 }, address: MARKET },
        index: { providers: new Map([[provider.address, { ipfsPeers: [PROVIDER_PEER] }]]) },
      } as unknown as RequesterContext,
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

  it('dials the provider where it is registered now before fetching the result', async () => {
    const { store, job } = await completedJob('42\n');
    const dialled: string[] = [];
    Object.assign(store, { connect: async (address: string) => void dialled.push(address) });
    await finishRun(runOf(store, undefined, []), job, {});
    assert.deepEqual(dialled, [PROVIDER_PEER]);
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

  for (const [what, tamper, code] of [
    ["another job's result, signed by the provider", { jobId: '8' }, 'RESULT_WRONG_JOB'],
    ['a result without a signature', { unsigned: true }, 'RESULT_NOT_SIGNED'],
  ] as const) {
    it(`refuses ${what} (${code}) and saves nothing`, async () => {
      const { store, job } = await completedJob('42\n', '42\n', tamper);
      const stages: RunStage[] = [];
      await assert.rejects(finishRun(runOf(store, join(root, 'orange-out'), stages), job, {}), {
        code,
      });
      assert.deepEqual(await readdir(root), [], 'no outputs folder was made');
      assert.equal(
        stages.find((s) => s.stage === 'finished'),
        undefined,
      );
    });
  }

  it('shows the signed live stream where the stored result says otherwise', async () => {
    const { store, job } = await completedJob('42\n');
    const check: LiveCheck = {
      complete: true,
      matchesResult: false,
      output: { stdout: 'streamed\n', stderr: 'warned\n' },
      reason: undefined,
      checkpoint: undefined,
    };
    const live = { finish: async () => check, stop: () => {} } as unknown as LiveSession;
    const stages: RunStage[] = [];
    const outcome = await finishRun(runOf(store, undefined, stages), job, {}, live);
    assert.deepEqual([outcome.stdout, outcome.stderr], ['streamed\n', 'warned\n']);
    assert.ok(
      stages.some(
        (s) => s.stage === 'notice' && /differs from the signed live stream/.test(s.message),
      ),
    );
  });
});
