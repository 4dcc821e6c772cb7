import * as assert from 'node:assert/strict';
import type { JobView, ProviderView } from '@orange-cloud/sdk';
import { jobCids, jobNodeModel, providerNodeModel } from './job-model.js';

const provider = '0xfc1668A74c816883c3037722fF4CC87dC77113e5' as const;
const terms = { symbol: 'OTTx', decimals: 18 };
const microToken = 10n ** 12n; // 0.000001 OTTx
const job = (overrides: Partial<JobView> = {}): JobView => ({
  jobId: 1n,
  requester: '0x0000000000000000000000000000000000000001',
  provider,
  offerNonce: 1n,
  name: 'hello.py',
  runtime: 'python3',
  cores: 2,
  memoryMb: 512,
  timeoutSec: 60,
  pricePerCoreSecond: 2n * microToken,
  manifestCid: 'bafymanifest',
  status: 'accepted',
  deadline: 1_800_000_000,
  postedBlock: 5n,
  kfrag: '0xbeef',
  startedAt: undefined,
  resultCid: undefined,
  exitCode: undefined,
  flags: undefined,
  runSeconds: undefined,
  failureReason: undefined,
  payment: undefined,
  ...overrides,
});
const completed = job({
  status: 'completed',
  provider,
  pricePerCoreSecond: microToken,
  startedAt: 1_700_000_000,
  runSeconds: 3,
  exitCode: 0,
  resultCid: 'bafyresult',
  payment: {
    rateWei: 2n * microToken,
    stopped: {
      streamedSeconds: 3,
      paidWei: 6n * microToken,
      refundedWei: 0n,
      costWei: 6n * microToken,
      exact: true,
    },
  },
});
const local = {
  jobId: '1',
  fileUri: 'file:///w/hello.py',
  fileName: 'hello.py',
  postedAt: '2026-01-01T00:00:00.000Z',
};

describe('job tree model', () => {
  it('shows a hired job as waiting for its provider and cancelable', () => {
    const model = jobNodeModel(job(), undefined, terms);
    assert.equal(model.label, 'hello.py');
    assert.equal(model.description, 'accepted');
    assert.equal(model.icon.id, 'person');
    assert.equal(model.contextValue, ':job:cancelable:');
    assert.match(model.tooltip, new RegExp(`Provider: ${provider}`));
    assert.match(model.tooltip, /Deadline: 2027-01-15T08:00:00.000Z/);
    assert.match(model.tooltip, /Posted in block 5/);
    assert.match(model.tooltip, /Price: 0.000002 OTTx per core-second/);
    assert.doesNotMatch(model.tooltip, /Payment/);
  });

  it('shows a running job as spinning, still cancelable, and what it pays', () => {
    const model = jobNodeModel(
      job({
        status: 'running',
        provider,
        startedAt: 1_700_000_000,
        pricePerCoreSecond: microToken,
        payment: { rateWei: 2n * microToken, stopped: undefined },
      }),
      local,
      terms,
    );
    assert.equal(model.icon.id, 'sync~spin');
    assert.equal(model.contextValue, ':job:cancelable:rerunnable:');
    assert.equal(model.description, 'running · paying 0.000002 OTTx/s');
    assert.match(model.tooltip, /Started: 2023-11-14T22:13:20.000Z/);
    assert.match(model.tooltip, /Price: 0.000001 OTTx per core-second/);
    assert.match(model.tooltip, /Payment: paying 0.000002 OTTx\/s/);
  });

  it('describes a completed job with duration, exit code and cost', () => {
    const model = jobNodeModel(completed, local, terms);
    assert.equal(model.description, 'completed · 3.0 s · exit 0 · 0.000006 OTTx');
    assert.deepEqual(model.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(model.contextValue, ':job:hasResult:rerunnable:');
    assert.match(model.tooltip, new RegExp(`Provider: ${provider}`));
    assert.match(model.tooltip, /Result CID: bafyresult/);
    assert.match(model.tooltip, /Manifest CID: bafymanifest/);
    assert.match(model.tooltip, /Posted: 2026-01-01T00:00:00.000Z/);
    assert.doesNotMatch(model.tooltip, /Deadline/);
    assert.match(model.tooltip, /Payment: cost 0.000006 OTTx \(0.000002 OTTx\/s for 3 s\)/);
  });

  it('says "at least" when the payment flow was changed outside the market', () => {
    const cancelled = {
      ...completed,
      status: 'cancelled' as const,
      payment: {
        rateWei: 2n * microToken,
        stopped: {
          streamedSeconds: 5,
          paidWei: 10n * microToken,
          refundedWei: 0n,
          costWei: 10n * microToken,
          exact: false,
        },
      },
    };
    const model = jobNodeModel(cancelled, undefined, terms);
    assert.match(model.description, / · at least 0.00001 OTTx$/);
    assert.match(
      model.tooltip,
      /Payment: cost at least 0.00001 OTTx .*flow was changed outside the market/,
    );
  });

  it('shows no cost for a job that was never paid for', () => {
    const model = jobNodeModel(job({ status: 'cancelled' }), undefined, terms);
    assert.equal(model.description, 'cancelled');
  });

  it('says when a run took under a second', () => {
    assert.match(
      jobNodeModel({ ...completed, runSeconds: 0 }, undefined, terms).description,
      /completed · <1 s · exit 0/,
    );
  });

  it('warns about a completed script that exited non-zero', () => {
    assert.equal(jobNodeModel({ ...completed, exitCode: 2 }, undefined, terms).icon.id, 'warning');
  });

  it('gives every terminal state its own icon and no cancel', () => {
    const icons = new Set<string>();
    for (const status of ['completed', 'failed', 'cancelled', 'expired'] as const) {
      const model = jobNodeModel(job({ status }), undefined, terms);
      icons.add(model.icon.id);
      assert.doesNotMatch(model.contextValue, /cancelable/);
    }
    assert.equal(icons.size, 4);
  });

  it('shows the failure reason', () => {
    assert.match(
      jobNodeModel(job({ status: 'failed', failureReason: 'out of memory' }), undefined, terms)
        .tooltip,
      /Failure: out of memory/,
    );
  });

  it('copies CIDs', () => {
    assert.equal(jobCids(completed), 'manifest bafymanifest\nresult bafyresult');
    assert.equal(jobCids(job()), 'manifest bafymanifest');
  });

  it('describes a provider by capacity and price', () => {
    const view: ProviderView = {
      address: provider,
      cores: 8,
      memoryMb: 16384,
      pricePerCoreSecond: 1000n,
      runtimes: ['python3'],
      endpoint: 'http://127.0.0.1:7000',
      ipfsPeers: [],
      active: true,
    };
    const model = providerNodeModel(view, { symbol: 'OTTx', decimals: 18 });
    assert.equal(model.label, '0xfc16…13e5');
    assert.equal(model.description, '8 cores · 16384 MB · 0.000000000000001 OTTx/s per core');
    assert.match(model.tooltip, /Price: 0\.000000000000001 OTTx\/s per core while a job runs/);
    assert.match(model.tooltip, /Runtimes: python3/);
    assert.match(model.tooltip, /Log endpoint: http:\/\/127.0.0.1:7000/);
  });
});
