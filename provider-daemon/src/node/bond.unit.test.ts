import assert from 'node:assert/strict';
import { bondTarget, ensureBond } from './bond.js';
import { FakeMarket, PROVIDER, TERMS, recordingLogger } from './test-fakes.js';

const policy = { cores: 2, pricePerCoreSecond: 5n };

describe('provider bond', () => {
  it('covers every core running a job of the longest timeout, grace included', () => {
    assert.equal(bondTarget(policy, 100, 30), 5n * 2n * 130n);
  });

  it('deposits only the shortfall, and nothing once the bond is there', async () => {
    const market = new FakeMarket();
    const target = bondTarget(policy, 100, TERMS.graceSec);
    market.behave.bondOf = async () => ({ free: 100n, locked: 50n });
    assert.equal(await ensureBond({ market, log: recordingLogger() }, policy, 100), target - 150n);
    assert.deepEqual(market.argsOf('bondOf'), [[PROVIDER]]);
    assert.deepEqual(market.argsOf('depositBond'), [[target - 150n]]);

    market.behave.bondOf = async () => ({ free: target, locked: 0n });
    assert.equal(await ensureBond({ market, log: recordingLogger() }, policy, 100), 0n);
    assert.equal(market.argsOf('depositBond').length, 1);
  });

  it('asks nothing of a free provider', async () => {
    const market = new FakeMarket();
    const free = { cores: 2, pricePerCoreSecond: 0n };
    assert.equal(await ensureBond({ market, log: recordingLogger() }, free), 0n);
    assert.deepEqual(market.calls, []);
  });
});
