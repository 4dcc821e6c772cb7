import * as assert from 'node:assert/strict';
import type { ProviderView, RunQuote } from '@orange-cloud/sdk';
import { quoteSummary } from './quote-summary.js';

const micro = 10n ** 12n; // 0.000001 OTTx
const provider = { pricePerCoreSecond: micro } as ProviderView;
const quote = (overrides: Partial<RunQuote> = {}): RunQuote => ({
  providers: [provider],
  maxPricePerCoreSecond: micro,
  rateWei: 2n * micro,
  maxCostWei: 180n * micro,
  terms: {
    market: '0x0000000000000000000000000000000000000001',
    cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
    superToken: '0x0000000000000000000000000000000000000003',
    symbol: 'OTTx',
    decimals: 18,
    graceSec: 30,
  },
  ...overrides,
});
const options = { cores: 2, memoryMb: 512, timeoutSec: 60, maxPricePerCoreSecond: undefined };

describe('quote summary', () => {
  it('shows the most the run can cost before it is posted', () => {
    const project = 'examples: sending 3 files, 3.5 KiB sealed (largest: hello.py 339 B)';
    assert.deepEqual(quoteSummary('hello.py', options, quote(), project), {
      label: 'Run hello.py',
      description: `at most 0.00018 OTTx · ${project}`,
      detail:
        '2 cores, 512 MB, timeout 60 s · rate at most 0.000002 OTTx/s, at most 0.00018 OTTx for 60 s + 30 s grace · 1 provider fit, at up to 0.000001 OTTx/s per core',
    });
  });

  it('names the runtime the imports chose, and why, before the price details', () => {
    const summary = quoteSummary('fit.py', options, quote(), 'data: sending 2 files', {
      runtime: 'python-data',
      descriptor: undefined,
      reason: 'python-data has numpy, which python3 lacks',
      provided: [{ name: 'numpy', distribution: 'numpy', version: '1.24.2' }],
      declared: [],
      optionalMissing: [],
      unsure: [],
    });
    assert.match(
      summary.detail,
      /^runtime python-data: python-data has numpy, which python3 lacks \(numpy 1\.24\.2\) · 2 cores, /,
    );
  });

  it('counts the providers that fit and says when the run is free', () => {
    const free = quoteSummary(
      'hello.py',
      { ...options, cores: 1 },
      quote({
        providers: [provider, provider],
        rateWei: 0n,
        maxCostWei: 0n,
        maxPricePerCoreSecond: 0n,
      }),
      'the file alone: sending 1 file, 2.0 KiB sealed (largest: hello.py 339 B)',
    );
    assert.equal(
      free.description,
      'free · the file alone: sending 1 file, 2.0 KiB sealed (largest: hello.py 339 B)',
    );
    assert.match(free.detail, /^1 core, /);
    assert.match(free.detail, /2 providers fit/);
  });
});
