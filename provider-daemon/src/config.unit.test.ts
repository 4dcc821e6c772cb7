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
    fails(
      { ...valid, network: { ...valid.network, rpcUrl: undefined } },
      /network\.rpcUrls is required/,
    );
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
    fails(
      { ...valid, offer: { ...valid.offer, runtimes: ['ruby'] } },
      /offer\.runtimes names "ruby", which is no known runtime \(known: python3, python-data, node, wasi\)/,
    );
    fails({ ...valid, images: { ruby: 'ruby:3' } }, /images\.ruby is no known runtime/);
    fails({ ...valid, images: { python3: '' } }, /images\.python3 must be a Docker image name/);
    assert.equal(
      parseConfig({ ...valid, images: { python3: 'me/py:3' } }).images.python3,
      'me/py:3',
    );
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
  it('refuses a negative, fractional or non-numeric price, naming the field', () => {
    for (const price of ['-1', -1, '1.5', 1.5, 'cheap', '', true])
      fails(
        { ...valid, offer: { ...valid.offer, pricePerCoreSecond: price } },
        /offer\.pricePerCoreSecond/,
      );
    assert.equal(
      parseConfig({ ...valid, offer: { ...valid.offer, pricePerCoreSecond: 0 } }).policy
        .pricePerCoreSecond,
      0n,
    );
    // beyond 2^53: a string keeps every digit
    const big = '123456789012345678901234567890';
    assert.equal(
      parseConfig({ ...valid, offer: { ...valid.offer, pricePerCoreSecond: big } }).policy
        .pricePerCoreSecond,
      BigInt(big),
    );
  });
  it('takes several RPC URLs, preferred first, and still the single rpcUrl', () => {
    const network = { ...valid.network, rpcUrl: undefined };
    const c = parseConfig({
      ...valid,
      network: { ...network, rpcUrls: ['http://127.0.0.1:1', 'https://rpc.example.org'] },
    });
    assert.equal(c.network.rpcUrl, 'http://127.0.0.1:1');
    assert.deepEqual(c.network.fallbackRpcUrls, ['https://rpc.example.org']);
    const single = parseConfig(valid);
    assert.equal(single.network.rpcUrl, 'http://127.0.0.1:8545');
    assert.equal(single.network.fallbackRpcUrls, undefined);
    fails(
      { ...valid, network: { ...network, rpcUrls: [] } },
      /network\.rpcUrls must be a non-empty list/,
    );
    fails(
      { ...valid, network: { ...network, rpcUrls: ['ftp://x'] } },
      /network\.rpcUrls must hold http\(s\) URLs only, not "ftp:\/\/x"/,
    );
    fails({ ...valid, network: { ...network, rpcUrls: 'http://a' } }, /network\.rpcUrls/);
    fails(
      { ...valid, network: { ...valid.network, rpcUrls: ['http://a'] } },
      /network\.rpcUrl cannot be given together/,
    );
    fails(
      { ...valid, network: { ...valid.network, rpcUrl: 'localhost:8545' } },
      /network\.rpcUrl must hold/,
    );
  });
  it('takes the sandbox runtime, runc by default', () => {
    assert.deepEqual(parseConfig(valid).sandbox, { runtime: 'runc' });
    assert.deepEqual(parseConfig({ ...valid, sandbox: { runtime: 'runsc' } }).sandbox, {
      runtime: 'runsc',
    });
    fails({ ...valid, sandbox: { runtime: 'kata' } }, /sandbox\.runtime must be "runc" or "runsc"/);
    fails({ ...valid, sandbox: { runtme: 'runc' } }, /sandbox\.runtme is unknown/);
    fails({ ...valid, sandbox: 'runsc' }, /sandbox must be an object/);
  });
  it('checks the passphrase variable name', () => {
    assert.equal(parseConfig({ ...valid, passphraseEnv: 'MY_PASS' }).passphraseEnv, 'MY_PASS');
    fails({ ...valid, passphraseEnv: 'MY PASS' }, /passphraseEnv/);
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
  it('serves the admin endpoint on loopback by default, or where told, or not at all', () => {
    assert.deepEqual(parseConfig(valid).admin, { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseConfig({ ...valid, admin: { host: '0.0.0.0', port: 9100 } }).admin, {
      host: '0.0.0.0',
      port: 9100,
    });
    assert.equal(parseConfig({ ...valid, admin: false }).admin, undefined);
    fails({ ...valid, admin: { port: 70000 } }, /admin\.port/);
    fails({ ...valid, admin: { host: 1 } }, /admin\.host/);
    fails({ ...valid, admin: 'yes' }, /admin must be/);
  });
  it('writes text logs unless told json', () => {
    assert.equal(parseConfig(valid).logFormat, 'text');
    assert.equal(parseConfig({ ...valid, logFormat: 'json' }).logFormat, 'json');
    fails({ ...valid, logFormat: 'xml' }, /logFormat must be one of text, json/);
  });
});
