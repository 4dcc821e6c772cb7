import assert from 'node:assert/strict';
import { parseConfig } from './config.js';

const valid = {
  network: {
    chainId: 31337,
    rpcUrl: 'http://127.0.0.1:8545',
    marketAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  },
  keystore: '/tmp/k.json',
  offer: { cores: 2, memoryMb: 2048, pricePerCoreSecond: '1000', runtimes: ['python3'] },
};

const fails = (raw: unknown, field: RegExp) =>
  assert.throws(
    () => parseConfig(raw as Record<string, unknown>),
    (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && field.test(e.message),
  );

describe('provider config', () => {
  it('fills defaults for a minimal valid file', () => {
    const c = parseConfig(valid);
    assert.equal(c.policy.pricePerCoreSecond, 1000n);
    assert.equal(c.images.python3, 'orange-cloud/python:3');
    assert.equal(c.images['python-data'], 'orange-cloud/python-data:3');
    assert.deepEqual(c.runtimes, ['python3']);
    // no runtimes named: every runtime whose image is present, found at start
    const offer = { cores: 2, memoryMb: 2048 };
    assert.equal(parseConfig({ ...valid, offer }).runtimes, undefined);
    assert.equal(c.ipfs.mode, 'embedded');
    assert.equal(c.outputCapBytes, 1024 * 1024);
    assert.equal(c.outputsCapBytes, 100 * 1024 * 1024);
    assert.equal(c.passphraseEnv, 'ORANGE_PROVIDER_PASSPHRASE');
    assert.equal(c.paymentCheckMs, 2_000);
    assert.equal(c.stateDir, '/tmp/provider-state');
    assert.deepEqual(c.quotes, {
      offerTtlSec: 60,
      offerGraceSec: 10,
      maxTimeoutSec: 86_400,
      perClientPerSecond: 20,
      perClientBurst: 40,
    });
  });
  it('names the field that is wrong', () => {
    fails({ ...valid, network: { ...valid.network, rpcUrl: undefined } }, /network\.rpcUrl/);
    fails(
      { ...valid, network: { ...valid.network, marketAddress: 'nope' } },
      /network\.marketAddress/,
    );
    fails({ ...valid, keystore: 3 }, /keystore/);
    fails({ ...valid, offer: { ...valid.offer, cores: 0 } }, /offer\.cores/);
    fails({ ...valid, offer: { ...valid.offer, memoryMb: 1.5 } }, /offer\.memoryMb/);
    fails(
      { ...valid, offer: { ...valid.offer, pricePerCoreSecond: 'cheap' } },
      /offer\.pricePerCoreSecond/,
    );
    fails({ ...valid, offer: { ...valid.offer, runtimes: [] } }, /offer\.runtimes/);
    fails({ ...valid, offer: { ...valid.offer, runtimes: ['ruby'] } }, /images\.ruby/);
    fails({ ...valid, ipfs: { mode: 'carrier-pigeon' } }, /ipfs\.mode/);
    fails({ ...valid, ipfs: { mode: 'kubo' } }, /ipfs\.url/);
    fails({ ...valid, policy: { denyRequesters: ['bob'] } }, /policy\.denyRequesters/);
    fails({ ...valid, paymentCheckMs: 0 }, /paymentCheckMs/);
    fails({ ...valid, paymentCheckMs: 'often' }, /paymentCheckMs/);
    fails({ ...valid, outputsCapBytes: 0 }, /outputsCapBytes/);
    fails({ ...valid, outputsCapBytes: '100m' }, /outputsCapBytes/);
    fails({ ...valid, outputsCapBytes: 1024 ** 3 }, /outputsCapBytes must be at most/);
  });
  it('takes the state dir and quote settings from the file, each checked', () => {
    const c = parseConfig({
      ...valid,
      stateDir: '/var/lib/orange',
      quotes: { offerTtlSec: 20, maxTimeoutSec: 600 },
    });
    assert.equal(c.stateDir, '/var/lib/orange');
    assert.equal(c.quotes.offerTtlSec, 20);
    assert.equal(c.quotes.maxTimeoutSec, 600);
    assert.equal(c.quotes.offerGraceSec, 10);
    fails({ ...valid, stateDir: '' }, /stateDir/);
    fails({ ...valid, quotes: 60 }, /quotes must be an object/);
    fails({ ...valid, quotes: { offerTtlSec: 5 } }, /quotes\.offerTtlSec must be .* from 15/);
    fails({ ...valid, quotes: { offerGraceSec: -1 } }, /quotes\.offerGraceSec/);
    fails({ ...valid, quotes: { maxTimeoutSec: 86_401 } }, /quotes\.maxTimeoutSec/);
    fails({ ...valid, quotes: { perClientPerSecond: 0 } }, /quotes\.perClientPerSecond/);
    fails({ ...valid, quotes: { perClientBurst: '40' } }, /quotes\.perClientBurst/);
    fails({ ...valid, quotes: { offerTTL: 60 } }, /quotes\.offerTTL is unknown/);
  });
  it('takes the shutdown grace from the file (default 60 s), a whole number of seconds', () => {
    assert.equal(parseConfig(valid).shutdownGraceSec, 60);
    assert.equal(parseConfig({ ...valid, shutdownGraceSec: 0 }).shutdownGraceSec, 0);
    assert.equal(parseConfig({ ...valid, shutdownGraceSec: 300 }).shutdownGraceSec, 300);
    fails({ ...valid, shutdownGraceSec: -1 }, /shutdownGraceSec must be a whole number/);
    fails({ ...valid, shutdownGraceSec: 1.5 }, /shutdownGraceSec/);
    fails({ ...valid, shutdownGraceSec: '60' }, /shutdownGraceSec/);
  });
  it('takes an outputs cap from the file', () => {
    assert.equal(parseConfig({ ...valid, outputsCapBytes: 4096 }).outputsCapBytes, 4096);
  });
});
