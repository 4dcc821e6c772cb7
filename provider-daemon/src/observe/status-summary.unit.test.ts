import assert from 'node:assert/strict';
import type { ProviderStatus } from './provider-status.js';
import { statusSummary } from './status-summary.js';

const NOW = 1_764_470_001;

const status = (overrides: Partial<ProviderStatus> = {}): ProviderStatus => ({
  provider: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  online: true,
  paused: false,
  registered: true,
  capacity: { cores: 2, memoryMb: 2048, coresInUse: 1, memoryMbInUse: 512 },
  running: [
    {
      jobId: '12',
      requester: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
      startedAt: NOW - 75,
      ratePerSecondWei: '1000',
      runtime: 'python3',
    },
  ],
  served: [
    { jobId: '11', state: 'completed', endedAt: NOW - 11, runSeconds: 3, earnedWei: '3000' },
  ],
  earnings: { settledWei: '3000', incomingFlowRateWei: '1000', at: NOW - 1 },
  counts: { completed: 1, failed: 2, cancelled: 0, expired: 0 },
  ...overrides,
});

describe('orange-provider status: the summary', () => {
  it('says online, capacity in use, running and served jobs with earnings and totals', () => {
    assert.equal(
      statusSummary(status(), NOW),
      [
        'Provider 0x70997970C51812dc3A010C7d01b50e0d17dc79C8: online',
        'Capacity: 1 of 2 cores and 512 of 2048 MB in use',
        'Running: 1 job',
        '  job 12  python3  for 1 min  1000 wei/s  from 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
        'Served: 1 completed, 2 failed, 0 cancelled, 0 expired',
        '  job 11  completed  3 s  earned 3000 wei  (11 s ago)',
        // settled 3000 + 1000 wei/s for the second since the status was read
        'Earnings: 4000 wei settled, 1000 wei/s streaming in now',
      ].join('\n'),
    );
  });

  it('says paused and that running jobs go on; nothing running, nothing streaming', () => {
    const text = statusSummary(
      status({
        paused: true,
        running: [],
        earnings: { settledWei: '0', incomingFlowRateWei: '0', at: NOW },
      }),
      NOW,
    );
    assert.match(text, /: paused\n/);
    assert.match(text, /Not taking new jobs .* running jobs go on/);
    assert.match(text, /Running: none/);
    assert.match(text, /Earnings: 0 wei settled$/);
  });

  it('says offline and not registered', () => {
    const text = statusSummary(status({ online: false, registered: false }), NOW);
    assert.match(text, /offline \(starting or stopping\), not registered on the market/);
  });
});
