import assert from 'node:assert/strict';
import type { Address } from 'viem';
import {
  applyMarketEvent,
  applyMarketEvents,
  EMPTY_MARKET_STATE,
  type JobView,
  type MarketEvent,
  type MarketState,
  type ProviderView,
} from './market-state.js';
import { marketLog } from './market-log-for-tests.js';

const provider: Address = '0x1111111111111111111111111111111111111111';
const requester: Address = '0x2222222222222222222222222222222222222222';

const registered = marketLog(
  'ProviderRegistered',
  {
    provider,
    cores: 4,
    memoryMb: 2048,
    pricePerCoreSecond: 3n,
    runtimes: 'python3, python-data@3.11.2[numpy=1.24.2]',
    endpoint: 'http://p.example',
    ipfsPeers: '/ip4/127.0.0.1/tcp/1,',
  },
  { block: 10n, logIndex: 0 },
);
/** The first provider's job with offer nonce 9: the market's id is the index above the nonce. */
const ID = (1n << 64n) | 9n;
const hire = {
  jobId: ID,
  requester,
  provider,
  runtime: 'python3',
  cores: 2,
  memoryMb: 512,
  pricePerCoreSecond: 4n,
  request: { name: 'main.py', timeoutSec: 60, manifestCid: 'bafy-manifest' },
  startBy: 1_000,
  kfrag: '0xbeef',
} as const;
const posted = marketLog('JobHired', hire, { block: 11n, logIndex: 0 });
/** A provider registered and job 1 hired: where every job event of the table starts. */
const market = applyMarketEvents(EMPTY_MARKET_STATE, [registered, posted]);
const job = market.jobs.get(ID)!;
const at = (logIndex: number) => ({ block: 12n, logIndex });

interface Row {
  event: MarketEvent;
  /** The state the event is applied to. */
  before: MarketState;
  /** What it must change; the rest of the state stays as it was. */
  expect: { job?: Partial<JobView>; provider?: Partial<ProviderView> };
}

const table: Row[] = [
  {
    event: registered,
    before: EMPTY_MARKET_STATE,
    expect: {
      provider: {
        address: provider,
        cores: 4,
        memoryMb: 2048,
        pricePerCoreSecond: 3n,
        runtimes: ['python3', 'python-data'],
        runtimeDescriptors: [
          { name: 'python3', packages: [] },
          {
            name: 'python-data',
            python: '3.11.2',
            packages: [{ name: 'numpy', version: '1.24.2', imports: ['numpy'] }],
          },
        ],
        endpoint: 'http://p.example',
        ipfsPeers: ['/ip4/127.0.0.1/tcp/1'],
        active: true,
      },
    },
  },
  {
    event: marketLog('ProviderDeactivated', { provider }, at(0)),
    before: market,
    expect: { provider: { active: false } },
  },
  {
    event: posted,
    before: applyMarketEvent(EMPTY_MARKET_STATE, registered),
    expect: {
      job: {
        jobId: ID,
        requester,
        provider,
        offerNonce: 9n,
        name: 'main.py',
        runtime: 'python3',
        cores: 2,
        memoryMb: 512,
        timeoutSec: 60,
        pricePerCoreSecond: 4n,
        manifestCid: 'bafy-manifest',
        status: 'accepted',
        deadline: 1_000,
        postedBlock: 11n,
        kfrag: '0xbeef',
        startedAt: undefined,
        resultCid: undefined,
        exitCode: undefined,
        flags: undefined,
        runSeconds: undefined,
        failureReason: undefined,
        payment: undefined,
      },
    },
  },
  {
    // A paid start: the payment streams from here at cores x price of the hire.
    event: marketLog('JobStarted', { jobId: ID, startedAt: 1_500, runBy: 1_600 }, at(0)),
    before: market,
    expect: {
      job: {
        status: 'running',
        startedAt: 1_500,
        deadline: 1_600,
        payment: { rateWei: 8n, stopped: undefined },
      },
    },
  },
  {
    event: marketLog(
      'JobCompleted',
      { jobId: ID, resultCid: 'bafy-result', exitCode: -1, flags: 2, runSeconds: 7 },
      at(0),
    ),
    before: market,
    expect: {
      job: { status: 'completed', resultCid: 'bafy-result', exitCode: -1, flags: 2, runSeconds: 7 },
    },
  },
  {
    event: marketLog(
      'JobFailed',
      { jobId: ID, provider, reason: 'no image', resultCid: '' },
      at(0),
    ),
    before: market,
    expect: { job: { status: 'failed', failureReason: 'no image', resultCid: undefined } },
  },
  {
    event: marketLog('JobCancelled', { jobId: ID, requester }, at(0)),
    before: market,
    expect: { job: { status: 'cancelled' } },
  },
  {
    event: marketLog('JobExpired', { jobId: ID, fromState: 1 }, at(0)),
    before: market,
    expect: { job: { status: 'expired' } },
  },
  {
    event: marketLog(
      'PaymentStopped',
      {
        jobId: ID,
        rate: 8n,
        paid: 80n,
        refunded: 16n,
        exact: false,
      },
      at(0),
    ),
    before: market,
    expect: {
      job: {
        payment: {
          rateWei: 8n,
          stopped: {
            streamedSeconds: 10,
            paidWei: 80n,
            refundedWei: 16n,
            costWei: 64n,
            exact: false,
          },
        },
      },
    },
  },
];

describe('applyMarketEvent', () => {
  it('has a row for every event the index reads', () => {
    assert.deepEqual(
      new Set(table.map((row) => row.event.eventName)),
      new Set([
        'ProviderRegistered',
        'ProviderDeactivated',
        'JobHired',
        'JobStarted',
        'JobCompleted',
        'JobFailed',
        'JobCancelled',
        'JobExpired',
        'PaymentStopped',
      ]),
    );
  });

  for (const { event, before, expect } of table) {
    describe(event.eventName, () => {
      const after = applyMarketEvent(before, event);

      it('changes what the event says and nothing else', () => {
        const oldJob = before.jobs.get(ID);
        const oldProvider = before.providers.get(provider);
        assert.deepEqual(after.jobs.get(ID), expect.job ? { ...oldJob, ...expect.job } : oldJob);
        assert.deepEqual(
          after.providers.get(provider),
          expect.provider ? { ...oldProvider, ...expect.provider } : oldProvider,
        );
        assert.equal(after.jobs.size, expect.job ? 1 : before.jobs.size);
        assert.equal(after.providers.size, 1);
      });

      it('leaves the state it was applied to as it was', () => {
        assert.notEqual(after, before);
        if (before.jobs.has(ID)) assert.deepEqual(before.jobs.get(ID), job);
        if (before.providers.has(provider))
          assert.deepEqual(before.providers.get(provider), market.providers.get(provider));
      });

      it('changes nothing when the same log comes twice', () => {
        assert.equal(applyMarketEvent(after, event), after);
      });
    });
  }

  it('ignores an event about a job it never saw hired, without throwing', () => {
    for (const { event } of table.filter((row) => row.expect.job && row.event !== posted)) {
      const state = applyMarketEvent(applyMarketEvent(EMPTY_MARKET_STATE, registered), event);
      assert.equal(state.jobs.size, 0, event.eventName);
    }
  });

  it('shows a provider whose runtimes string is hostile as offering none, without throwing', () => {
    const hostile = marketLog(
      'ProviderRegistered',
      {
        provider,
        cores: 4,
        memoryMb: 2048,
        pricePerCoreSecond: 3n,
        runtimes: 'python3\u001b[2J,python-data@3.11[[x=1]]',
        endpoint: '',
        ipfsPeers: '',
      },
      { block: 10n, logIndex: 0 },
    );
    const view = applyMarketEvent(EMPTY_MARKET_STATE, hostile).providers.get(provider)!;
    assert.deepEqual([view.runtimes, view.runtimeDescriptors, view.active], [[], [], true]);
  });

  it('ignores a deactivation of a provider it never saw registered', () => {
    const deactivated = marketLog('ProviderDeactivated', { provider }, at(0));
    assert.equal(applyMarketEvent(EMPTY_MARKET_STATE, deactivated), EMPTY_MARKET_STATE);
  });

  it('starts no payment for a free job', () => {
    const free = marketLog('JobHired', { ...hire, jobId: 2n, pricePerCoreSecond: 0n }, at(0));
    const started = marketLog('JobStarted', { jobId: 2n, startedAt: 1_500, runBy: 1_600 }, at(1));
    const state = applyMarketEvents(market, [free, started]);
    assert.equal(state.jobs.get(2n)?.status, 'running');
    assert.equal(state.jobs.get(2n)?.payment, undefined);
  });

  it('ignores a stale event delivered after a later one about the same job', () => {
    const started = marketLog(
      'JobStarted',
      { jobId: ID, startedAt: 1_500, runBy: 1_600 },
      { block: 13n, logIndex: 0 },
    );
    const failed = marketLog(
      'JobFailed',
      { jobId: ID, provider, reason: 'late', resultCid: '' },
      { block: 12n, logIndex: 3 },
    );
    const running = applyMarketEvent(market, started);
    assert.equal(applyMarketEvent(running, failed), running);
    assert.equal(running.jobs.get(ID)?.status, 'running');
  });

  it('applies a batch like the events one by one', () => {
    const events = table.slice(3).map((row) => row.event);
    const oneByOne = events.reduce(
      (state, event, i) => applyMarketEvent(state, { ...event, logIndex: i } as MarketEvent),
      market,
    );
    const batch = applyMarketEvents(
      market,
      events.map((event, i) => ({ ...event, logIndex: i }) as MarketEvent),
    );
    assert.deepEqual(batch, oneByOne);
    assert.equal(batch.jobs.get(ID)?.status, 'expired');
  });
});
