import * as assert from 'node:assert/strict';
import { earnedAt } from './earnings.js';

describe('earnings ticking', () => {
  const report = { settledWei: '3000', incomingFlowRateWei: '1000', at: 1_764_470_001 };

  it('adds the incoming flows for every whole second since the report', () => {
    assert.equal(earnedAt(report, 1_764_470_001_000), 3000n);
    assert.equal(earnedAt(report, 1_764_470_001_999), 3000n);
    assert.equal(earnedAt(report, 1_764_470_004_500), 6000n);
  });

  it('never counts back when the local clock is behind the daemon', () => {
    assert.equal(earnedAt(report, 1_764_469_990_000), 3000n);
  });

  it('keeps whole-wei precision past 2^53', () => {
    const big = { settledWei: '123456789012345678901234', incomingFlowRateWei: '1', at: 0 };
    assert.equal(earnedAt(big, 2000), 123456789012345678901236n);
  });
});
