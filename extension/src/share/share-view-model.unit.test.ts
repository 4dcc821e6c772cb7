import * as assert from 'node:assert/strict';
import type { DaemonStatus } from './daemon-status.js';
import { shareViewModel } from './share-view-model.js';

const terms = { symbol: 'OTTx', decimals: 18 };
const AT = 1_764_470_001;
const status = (over: Partial<DaemonStatus> = {}): DaemonStatus => ({
  provider: '0x' + '12'.repeat(20),
  online: true,
  paused: false,
  registered: true,
  capacity: { cores: 2, memoryMb: 2048, coresInUse: 1, memoryMbInUse: 512 },
  running: [
    {
      jobId: '12',
      requester: '0x' + 'ab'.repeat(20),
      startedAt: AT - 5,
      ratePerSecondWei: '1000000000000',
      runtime: 'python3',
    },
  ],
  served: [
    {
      jobId: '11',
      state: 'completed',
      endedAt: AT - 10,
      runSeconds: 3,
      earnedWei: '3000000000000',
    },
  ],
  earnings: { settledWei: '3000000000000', incomingFlowRateWei: '1000000000000', at: AT },
  counts: { completed: 1, failed: 0, cancelled: 0, expired: 0 },
  ...over,
});

describe('Share Compute view model', () => {
  it('shows nothing in the status bar while stopped, and why it stopped', () => {
    assert.deepEqual(shareViewModel({ phase: 'stopped' }, terms, 0), {
      rows: [],
      statusBar: undefined,
      state: 'stopped',
    });
    const failed = shareViewModel({ phase: 'stopped', problem: 'Docker is gone' }, terms, 0);
    assert.equal(failed.rows[0]!.description, 'Docker is gone');
  });

  it('says it is starting until the first /status arrives', () => {
    const model = shareViewModel({ phase: 'sharing', problem: 'waiting for the daemon' }, terms, 0);
    assert.equal(model.state, 'starting');
    assert.equal(model.rows[0]!.description, 'waiting for the daemon');
    assert.equal(model.statusBar, '$(loading~spin) Sharing: starting');
  });

  it('shows capacity, running and served jobs, and earnings ticking every second', () => {
    const at = (seconds: number) =>
      shareViewModel({ phase: 'sharing', status: status() }, terms, (AT + seconds) * 1000);
    const now = at(0);
    assert.equal(now.state, 'online');
    assert.equal(now.statusBar, '$(server) Sharing 1/2 cores · 0.000003 OTTx');
    const [state, capacity, earned, running, served] = now.rows;
    assert.equal(state!.label, 'Online');
    assert.equal(capacity!.description, '1/2 cores · 512/2048 MB');
    assert.equal(earned!.description, '0.000003 OTTx · +0.000001 OTTx/s');
    assert.equal(running!.description, '1');
    assert.equal(running!.children[0]!.label, 'Job #12');
    assert.match(
      running!.children[0]!.description,
      /^python3 · 0xabab…abab · 0\.000001 OTTx\/s · 5\.0 s$/,
    );
    assert.equal(served!.children[0]!.description, 'completed · 3 s · earned 0.000003 OTTx');
    // two seconds later, with no new report
    assert.equal(at(2).statusBar, '$(server) Sharing 1/2 cores · 0.000005 OTTx');
  });

  it('says so while the offer is not on the market yet', () => {
    const model = shareViewModel(
      { phase: 'sharing', status: status({ registered: false }) },
      terms,
      AT * 1000,
    );
    assert.equal(model.rows[0]!.description, 'registering the offer on the market');
    assert.equal(
      shareViewModel({ phase: 'sharing', status: status() }, terms, 0).rows[0]!.description,
      'taking jobs',
    );
  });

  it('shows a paused daemon as paused', () => {
    const model = shareViewModel(
      { phase: 'sharing', status: status({ paused: true }) },
      terms,
      AT * 1000,
    );
    assert.equal(model.state, 'paused');
    assert.equal(model.rows[0]!.label, 'Paused');
    assert.match(model.statusBar!, /^\$\(debug-pause\) Paused 1\/2 cores/);
  });

  it('shows an unreachable daemon as offline with the reason', () => {
    const model = shareViewModel(
      { phase: 'sharing', status: status({ online: false }), problem: 'connection refused' },
      terms,
      AT * 1000,
    );
    assert.equal(model.state, 'offline');
    assert.equal(model.rows[0]!.description, 'connection refused');
  });
});
