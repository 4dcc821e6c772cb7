import assert from 'node:assert/strict';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  ZERO_ADDRESS,
  verifyOfferSignature,
  type QuoteRequest,
  type SignedOffer,
} from '@orange-cloud/sdk';
import type { ProviderPolicy } from '../criteria.js';
import { CapacityLedger } from './capacity-ledger.js';
import type { JobKey } from './job-key-store.js';
import { OfferNonces } from './offer-nonces.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderStore } from '../state/provider-store.js';
import {
  QuoteDesk,
  openQuoteDesk,
  type QuoteAnswer,
  type QuoteDeskComponents,
} from './quote-desk.js';
import { recordingLogger } from './test-fakes.js';

const market = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const requester = '0x2222222222222222222222222222222222222222';
const stranger = '0x3333333333333333333333333333333333333333';
const domain = { chainId: 31337, market } as const;

const request = (overrides: Partial<QuoteRequest> = {}): QuoteRequest => ({
  chainId: 31337,
  market,
  runtime: 'python3',
  cores: 1,
  memoryMb: 512,
  timeoutSec: 600,
  requester,
  ...overrides,
});

/** A key whose secret the desk never touches: only its public half goes into an offer. */
const fakeKey = (nonce: bigint, jobPublicKey: `0x${string}`): JobKey => ({
  nonce,
  secretKey: undefined as never,
  publicKey: undefined as never,
  jobPublicKey,
});

/** Keys in memory: what the desk asks of the key store, recorded. */
function fakeKeys(nowMs: () => number) {
  const live = new Map<bigint, JobKey>();
  const issuedAt = new Map<bigint, number>();
  const erased: bigint[] = [];
  let made = 0;
  return {
    live,
    erased,
    failNext: false,
    async create(nonce: bigint): Promise<JobKey> {
      if (this.failNext) throw new Error('disk full');
      made += 1;
      issuedAt.set(nonce, Math.floor(nowMs() / 1000));
      const key = fakeKey(nonce, `0x02${made.toString(16).padStart(64, '0')}`);
      live.set(nonce, key);
      return key;
    },
    async load(nonce: bigint) {
      return live.get(nonce);
    },
    async erase(nonce: bigint) {
      erased.push(nonce);
      return live.delete(nonce);
    },
    async stored() {
      return [...live.keys()];
    },
    async issuedAtSec(nonce: bigint) {
      return live.has(nonce) ? issuedAt.get(nonce) : undefined;
    },
  };
}

function setup(policyOverrides: Partial<ProviderPolicy> = {}) {
  const clock = { ms: 1_800_000_000_000, nowMs: () => clock.ms };
  const policy: ProviderPolicy = {
    cores: 2,
    memoryMb: 2048,
    pricePerCoreSecond: 1000n,
    runtimes: ['python3', 'python-data'],
    allowRequesters: [],
    denyRequesters: [],
    ...policyOverrides,
  };
  const ledger = new CapacityLedger(policy);
  const keys = fakeKeys(clock.nowMs);
  const account = privateKeyToAccount(generatePrivateKey());
  const log = recordingLogger();
  const quotes = ProviderStore.inMemory();
  const components: QuoteDeskComponents = {
    clock,
    ledger,
    keys,
    account,
    policy: { current: () => policy },
    nonces: new OfferNonces(() => clock.ms),
    log,
    quotes,
  };
  const desk = new QuoteDesk(components, { ...domain, maxTimeoutSec: 3600 });
  return { clock, policy, ledger, keys, account, desk, log, quotes };
}

function offered(answer: QuoteAnswer): SignedOffer {
  if (!('offer' in answer)) throw new Error(`declined: ${answer.declined.message}`);
  return answer.offer;
}

function declinedWith(answer: QuoteAnswer): string {
  if (!('declined' in answer)) throw new Error('was offered');
  return answer.declined.code;
}

describe('quote desk', () => {
  it('offers the asked terms at its price, signed by the provider, expiring in 60 s', async () => {
    const { desk, account, clock, keys, ledger } = setup();
    const signed = offered(await desk.quote(request()));
    const offer = await verifyOfferSignature(domain, signed);
    assert.equal(offer.provider, account.address);
    assert.equal(offer.requester, requester);
    assert.equal(offer.runtime, 'python3');
    assert.equal(offer.cores, 1);
    assert.equal(offer.memoryMb, 512);
    assert.equal(offer.maxTimeoutSec, 600);
    assert.equal(offer.pricePerCoreSecond, 1000n);
    assert.equal(offer.expiresAt, BigInt(clock.ms / 1000 + 60));
    assert.equal(offer.jobPublicKey, keys.live.get(offer.nonce)?.jobPublicKey);
    assert.deepEqual(ledger.reservation(offer.nonce)?.cores, 1);
  });

  it('gives an open offer when no requester is named and no list is set', async () => {
    const { desk } = setup();
    const signed = offered(await desk.quote(request({ requester: undefined })));
    assert.equal(signed.offer.requester, ZERO_ADDRESS);
  });

  it('gives every offer a nonce of its own, also across a restart in the same second', async () => {
    const { desk, clock } = setup();
    const first = offered(await desk.quote(request())).offer.nonce;
    const second = offered(await desk.quote(request())).offer.nonce;
    assert.ok(second > first);
    // a restarted daemon seeds its nonces with the highest key an earlier run left
    const restarted = new OfferNonces(() => clock.ms, second);
    assert.ok(restarted.next() > second);
  });

  it('declines with the first rule a request breaks, and reserves nothing', async () => {
    const { desk, ledger } = setup({ denyRequesters: [stranger] });
    const cases: [Partial<QuoteRequest>, string, RegExp][] = [
      [{ chainId: 1 }, 'WRONG_MARKET', /chain 31337/],
      [{ market: stranger }, 'WRONG_MARKET', /serves the market/],
      [{ runtime: 'ruby' }, 'RUNTIME', /does not offer the runtime ruby/],
      [{ runtime: 'x'.repeat(5000) }, 'RUNTIME', /^.{0,200}$/],
      [{ cores: 3 }, 'CORES', /asks for 3 cores; this provider offers 2/],
      [{ memoryMb: 4096 }, 'MEMORY', /4096 MB .* offers 2048 MB/],
      [{ timeoutSec: 3601 }, 'TIMEOUT', /at most 3600 s/],
      [{ requester: stranger }, 'REQUESTER', /deny list/],
      [{ requester: undefined }, 'REQUESTER', /ask for a quote with your address/],
      [{ chainId: 1, cores: 99 }, 'WRONG_MARKET', /chain/],
    ];
    for (const [overrides, code, message] of cases) {
      const answer = await desk.quote(request(overrides));
      assert.equal(declinedWith(answer), code, JSON.stringify(overrides));
      assert.match((answer as { declined: { message: string } }).declined.message, message);
    }
    assert.equal(ledger.openReservations, 0);
  });

  it('serves only the allow list when there is one', async () => {
    const { desk } = setup({ allowRequesters: [requester] });
    offered(await desk.quote(request()));
    const answer = await desk.quote(request({ requester: stranger }));
    assert.equal(declinedWith(answer), 'REQUESTER');
  });

  it('declines PAUSED while paused, and offers again after resume', async () => {
    const { desk } = setup();
    desk.pause();
    assert.equal(declinedWith(await desk.quote(request())), 'PAUSED');
    desk.resume();
    offered(await desk.quote(request()));
  });

  it("keeps the operator's hold through the daemon's own resume, until released", async () => {
    const { desk, ledger } = setup();
    desk.hold(true);
    desk.resume();
    const answer = await desk.quote(request());
    assert.equal(declinedWith(answer), 'PAUSED');
    assert.match((answer as { declined: { message: string } }).declined.message, /operator/);
    assert.equal(ledger.openReservations, 0);
    assert.equal(desk.onHold, true);
    desk.hold(false);
    offered(await desk.quote(request()));
  });

  it('says why it declines while paused: shutting down, also over an operator hold', async () => {
    const { desk } = setup();
    desk.hold(true);
    desk.pause('shutting down');
    const answer = await desk.quote(request());
    assert.equal(declinedWith(answer), 'PAUSED');
    assert.match(
      (answer as { declined: { message: string } }).declined.message,
      /not taking new jobs right now \(shutting down\)/,
    );
  });

  it('declines CAPACITY once offers hold every core, also when asked all at once', async () => {
    const { desk, ledger } = setup();
    const answers = await Promise.all(Array.from({ length: 10 }, () => desk.quote(request())));
    assert.equal(answers.filter((a) => 'offer' in a).length, 2);
    const busy = answers.find((a) => 'declined' in a);
    assert.equal(declinedWith(busy!), 'CAPACITY');
    assert.match(
      (busy as { declined: { message: string } }).declined.message,
      /0 of 2 cores and 1024 of 2048 MB are free now, the job needs 1 core and 512 MB/,
    );
    assert.equal(ledger.openReservations, 2);
  });

  it('frees an unhired offer and erases its key after expiry and grace', async () => {
    const { desk, clock, keys } = setup({ cores: 1 });
    const { nonce } = offered(await desk.quote(request())).offer;
    clock.ms += 60_000 + 10_000; // expiry + grace: still held (a late hire may be in flight)
    assert.equal(declinedWith(await desk.quote(request())), 'CAPACITY');
    clock.ms += 1_000;
    offered(await desk.quote(request()));
    assert.deepEqual(keys.erased, [nonce]);
  });

  it('holds a hired job past its offer expiry and frees it at the job end', async () => {
    const { desk, clock, keys, ledger } = setup({ cores: 1 });
    const { nonce } = offered(await desk.quote(request())).offer;
    const hire = await desk.hired(nonce, 1n, { cores: 1, memoryMb: 512 });
    assert.equal(hire.outcome, 'bound');
    assert.equal(hire.key?.nonce, nonce);
    clock.ms += 10 * 60_000;
    assert.equal(declinedWith(await desk.quote(request())), 'CAPACITY');
    assert.deepEqual(keys.erased, []);
    await desk.jobEnded(1n, nonce);
    assert.deepEqual(keys.erased, [nonce]);
    assert.equal(ledger.held(1n), undefined);
    offered(await desk.quote(request()));
  });

  it('a hire of an offer swept here first is held if it fits, but has no key to open it', async () => {
    const { desk, clock } = setup({ cores: 1 });
    const { nonce } = offered(await desk.quote(request())).offer;
    clock.ms += 120_000;
    await desk.sweep();
    assert.deepEqual(await desk.hired(nonce, 1n, { cores: 1, memoryMb: 512 }), {
      outcome: 'late',
      key: undefined,
    });
    // another hire of an offer gone here, with no capacity left: not held
    const gone = await desk.hired(12345n, 2n, { cores: 1, memoryMb: 512 });
    assert.equal(gone.outcome, 'over');
  });

  it('frees the offers its requester gives back at once, and erases their keys', async () => {
    const { desk, keys, ledger, log } = setup({ cores: 2 });
    const a = offered(await desk.quote(request())).offer.nonce;
    const b = offered(await desk.quote(request())).offer.nonce;
    assert.equal(declinedWith(await desk.quote(request())), 'CAPACITY');
    assert.equal(await desk.release(requester, [a, b]), 2);
    assert.deepEqual(keys.erased, [a, b]);
    // the daemon's logger prints fields flat: the nonces go as one text
    assert.ok(log.lines.some((l) => l.includes('offers released') && l.includes(`"${a},${b}"`)));
    assert.equal(ledger.openReservations, 0);
    offered(await desk.quote(request()));
    // released again (a replay): nothing more is freed
    assert.equal(await desk.release(requester, [a, b]), 0);
  });

  it('frees only offers given to the requester that gives them back', async () => {
    const { desk, keys, ledger } = setup();
    const mine = offered(await desk.quote(request())).offer.nonce;
    const theirs = offered(await desk.quote(request({ requester: stranger }))).offer.nonce;
    assert.equal(await desk.release(stranger, [mine]), 0);
    assert.equal(await desk.release(requester, [mine, theirs]), 1);
    assert.deepEqual(keys.erased, [mine]);
    assert.notEqual(ledger.reservation(theirs), undefined);
  });

  it('an open offer asked for anonymously is released by nobody; named ones by their asker', async () => {
    const { desk, ledger } = setup();
    const open = offered(await desk.quote(request({ requester: undefined }))).offer;
    assert.equal(open.requester, ZERO_ADDRESS);
    assert.equal(await desk.release(requester, [open.nonce]), 0);
    assert.equal(await desk.release(ZERO_ADDRESS, [open.nonce]), 0);
    assert.notEqual(ledger.reservation(open.nonce), undefined);
  });

  it('ignores a release of a hired offer or an unknown nonce: the job keeps its hold and key', async () => {
    const { desk, keys, ledger } = setup({ cores: 1 });
    const { nonce } = offered(await desk.quote(request())).offer;
    assert.equal((await desk.hired(nonce, 1n, { cores: 1, memoryMb: 512 })).outcome, 'bound');
    assert.equal(await desk.release(requester, [nonce, 999n]), 0);
    assert.deepEqual(keys.erased, []);
    assert.equal(keys.live.has(nonce), true);
    assert.deepEqual(ledger.held(1n), { cores: 1, memoryMb: 512 });
  });

  it('a hire of an offer released first is held if it fits, but has no key to open it', async () => {
    const { desk } = setup({ cores: 1 });
    const { nonce } = offered(await desk.quote(request())).offer;
    assert.equal(await desk.release(requester, [nonce]), 1);
    assert.deepEqual(await desk.hired(nonce, 1n, { cores: 1, memoryMb: 512 }), {
      outcome: 'late',
      key: undefined,
    });
  });

  it('gives back the reservation and the key when signing fails', async () => {
    const { desk, ledger, keys } = setup();
    keys.failNext = true;
    await assert.rejects(desk.quote(request()), /disk full/);
    assert.equal(ledger.openReservations, 0);
    keys.failNext = false;
    offered(await desk.quote(request()));
  });

  it('after a restart erases stale keys of an earlier run, keeping hired and young ones', async () => {
    const { desk, clock, keys, account, policy, log } = setup();
    const old = offered(await desk.quote(request())).offer.nonce;
    const hired = offered(await desk.quote(request())).offer.nonce;
    clock.ms += 71_000;
    const young = offered(await desk.quote(request({ cores: 1 }))).offer.nonce;
    // the daemon restarts: a new ledger, the keys on disk as the earlier run left them
    keys.live.set(old, fakeKey(old, '0x02'));
    keys.live.set(hired, fakeKey(hired, '0x02'));
    const restarted = new QuoteDesk(
      {
        clock,
        ledger: new CapacityLedger(policy),
        keys,
        account,
        policy: { current: () => policy },
        nonces: new OfferNonces(() => clock.ms, young),
        log,
      },
      { ...domain, maxTimeoutSec: 3600 },
    );
    assert.deepEqual(await restarted.eraseStaleKeys(new Set([hired])), [old]);
    assert.deepEqual(new Set(keys.live.keys()), new Set([hired, young]));
  });

  it('writes its offers down: given, hired, expired', async () => {
    const { desk, clock, quotes } = setup();
    const first = offered(await desk.quote(request()));
    const second = offered(await desk.quote(request()));
    const nowSec = Math.floor(clock.ms / 1000);
    assert.deepEqual(
      quotes.reserved(nowSec).map((q) => [q.nonce, q.cores, q.memoryMb]),
      [
        [first.offer.nonce, 1, 512],
        [second.offer.nonce, 1, 512],
      ],
    );
    await desk.hired(first.offer.nonce, 7n, { cores: 1, memoryMb: 512 });
    clock.ms += 71_000; // past the second offer's expiry and grace
    await desk.sweep();
    assert.deepEqual(quotes.reserved(0), []);
  });

  it('reserves again, after a restart, what offers still open hold', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'orange-desk-'));
    try {
      const quotes = ProviderStore.inMemory();
      const policy: ProviderPolicy = {
        cores: 2,
        memoryMb: 2048,
        pricePerCoreSecond: 1n,
        runtimes: ['python3'],
        allowRequesters: [],
        denyRequesters: [],
      };
      const open = () =>
        openQuoteDesk({
          ...domain,
          maxTimeoutSec: 3600,
          stateDir,
          account: privateKeyToAccount(generatePrivateKey()),
          policy: { current: () => policy },
          log: recordingLogger(),
          quotes,
        });
      const before = await open();
      before.resume();
      offered(await before.quote(request({ cores: 2 })));
      const after = await open();
      assert.deepEqual(after.usage(), { cores: 2, memoryMb: 512 });
      after.resume();
      assert.equal(declinedWith(await after.quote(request())), 'CAPACITY');
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
