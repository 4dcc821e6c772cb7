import * as assert from 'node:assert/strict';
import type { JobView, ProviderView } from '@orange-cloud/sdk';
import { jobCids, jobCostWei, jobNodeModel, newestFirst, providerNodeModel } from './job-model.js';

const provider = '0xfc1668A74c816883c3037722fF4CC87dC77113e5' as const;
const job = (overrides: Partial<JobView> = {}): JobView => ({
  jobId: 1n,
  requester: '0x0000000000000000000000000000000000000001',
  provider: undefined,
  name: 'hello.py',
  runtime: 'python3',
  cores: 2,
  memoryMb: 512,
  timeoutSec: 60,
  maxPricePerCoreSecond: 2000n,
  pricePerCoreSecond: undefined,
  manifestCid: 'bafymanifest',
  status: 'posted',
  deadline: 1_800_000_000,
  postedBlock: 5n,
  kfrag: undefined,
  startedAt: undefined,
  resultCid: undefined,
  exitCode: undefined,
  flags: undefined,
  runSeconds: undefined,
  failureReason: undefined,
  ...overrides,
});
const completed = job({
  status: 'completed',
  provider,
  pricePerCoreSecond: 1000n,
  startedAt: 1_700_000_000,
  runSeconds: 3,
  exitCode: 0,
  resultCid: 'bafyresult',
});
const local = {
  jobId: '1',
  fileUri: 'file:///w/hello.py',
  fileName: 'hello.py',
  postedAt: '2026-01-01T00:00:00.000Z',
};

describe('job tree model', () => {
  it('shows a posted job as waiting and cancelable', () => {
    const model = jobNodeModel(job(), undefined);
    assert.equal(model.label, 'hello.py');
    assert.equal(model.description, 'posted');
    assert.equal(model.icon.id, 'clock');
    assert.equal(model.contextValue, ':job:cancelable:');
    assert.match(model.tooltip, /Provider: none yet/);
    assert.match(model.tooltip, /Deadline: 2027-01-15T08:00:00.000Z/);
    assert.match(model.tooltip, /Posted in block 5/);
  });

  it('shows a running job as spinning and still cancelable', () => {
    const model = jobNodeModel(
      job({ status: 'running', provider, startedAt: 1_700_000_000 }),
      local,
    );
    assert.equal(model.icon.id, 'sync~spin');
    assert.equal(model.contextValue, ':job:cancelable:rerunnable:');
    assert.match(model.tooltip, /Started: 2023-11-14T22:13:20.000Z/);
  });

  it('describes a completed job with duration, exit code and cost', () => {
    const model = jobNodeModel(completed, local);
    assert.equal(model.description, 'completed · 3.0 s · exit 0 · 0.000000000000006 ETH');
    assert.deepEqual(model.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(model.contextValue, ':job:hasResult:rerunnable:');
    assert.match(model.tooltip, new RegExp(`Provider: ${provider}`));
    assert.match(model.tooltip, /Result CID: bafyresult/);
    assert.match(model.tooltip, /Manifest CID: bafymanifest/);
    assert.match(model.tooltip, /Posted: 2026-01-01T00:00:00.000Z/);
    assert.doesNotMatch(model.tooltip, /Deadline/);
    assert.equal(jobCostWei(completed), 6000n);
  });

  it('says when a run took under a second', () => {
    assert.match(
      jobNodeModel({ ...completed, runSeconds: 0 }, undefined).description,
      /completed · <1 s · exit 0/,
    );
  });

  it('warns about a completed script that exited non-zero', () => {
    assert.equal(jobNodeModel({ ...completed, exitCode: 2 }, undefined).icon.id, 'warning');
  });

  it('gives every terminal state its own icon and no cancel', () => {
    const icons = new Set<string>();
    for (const status of ['completed', 'failed', 'cancelled', 'expired'] as const) {
      const model = jobNodeModel(job({ status }), undefined);
      icons.add(model.icon.id);
      assert.doesNotMatch(model.contextValue, /cancelable/);
    }
    assert.equal(icons.size, 4);
  });

  it('shows the failure reason', () => {
    assert.match(
      jobNodeModel(job({ status: 'failed', failureReason: 'out of memory' }), undefined).tooltip,
      /Failure: out of memory/,
    );
  });

  it('sorts newest first and copies CIDs', () => {
    assert.deepEqual(
      newestFirst([job({ jobId: 2n }), job({ jobId: 10n }), job({ jobId: 3n })]).map(
        (j) => j.jobId,
      ),
      [10n, 3n, 2n],
    );
    assert.equal(jobCids(completed), 'manifest bafymanifest\nresult bafyresult');
    assert.equal(jobCids(job()), 'manifest bafymanifest');
  });

  it('describes a provider by capacity and price', () => {
    const view: ProviderView = {
      address: provider,
      cores: 8,
      memoryMb: 16384,
      pricePerCoreSecond: 1000n,
      umbralPublicKey: '0x02',
      runtimes: ['python3'],
      endpoint: 'http://127.0.0.1:7000',
      ipfsPeers: [],
      active: true,
    };
    const model = providerNodeModel(view);
    assert.equal(model.label, '0xfc16…13e5');
    assert.equal(model.description, '8 cores · 16384 MB · 1000 wei/core-s');
    assert.match(model.tooltip, /Runtimes: python3/);
    assert.match(model.tooltip, /Log endpoint: http:\/\/127.0.0.1:7000/);
  });
});
