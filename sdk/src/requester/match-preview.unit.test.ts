import assert from 'node:assert/strict';
import type { Address } from 'viem';
import type { Offer } from '../market/offer.js';
import type { PaymentTerms } from '../payments/payment-terms.js';
import { matchCountText, matchText, sortMatches } from './match-preview.js';
import type { ProviderMatch } from './quotes.js';

const terms: PaymentTerms = {
  market: '0x0000000000000000000000000000000000000001',
  cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
  superToken: '0x0000000000000000000000000000000000000003',
  symbol: 'OTTx',
  decimals: 18,
  graceSec: 30,
};
const micro = 10n ** 12n;
const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const provider = (n: number) => ({
  address: address(n),
  cores: 4,
  memoryMb: 4096,
  pricePerCoreSecond: micro,
  runtimes: ['python3'],
  endpoint: 'http://127.0.0.1:1',
});
const offer = (n: number, change: Partial<Offer> = {}): ProviderMatch => ({
  status: 'offer',
  provider: provider(n),
  signed: {
    signature: '0x',
    offer: {
      provider: address(n),
      requester: address(0),
      runtime: 'python3',
      cores: 2,
      memoryMb: 512,
      maxTimeoutSec: 600,
      pricePerCoreSecond: micro,
      jobPublicKey: '0x02',
      expiresAt: 1_000_060n,
      nonce: 1n,
      ...change,
    },
  },
});

describe('match preview', () => {
  it("says an offer's price per core and the most the run costs with it", () => {
    assert.equal(
      matchText(offer(1), 60, terms, 1_000_002),
      '0.000001 OTTx/s per core, at most 0.00018 OTTx for 60 s + 30 s grace (valid 58 s)',
    );
    assert.equal(matchText(offer(1, { pricePerCoreSecond: 0n }), 60, terms), 'free');
  });

  it('says why each other provider gave no offer', () => {
    const p = provider(2);
    const rows: [ProviderMatch, string][] = [
      [
        {
          status: 'declined',
          provider: p,
          decline: { code: 'CAPACITY', message: 'all 4 cores are reserved' },
        },
        'declined: all 4 cores are reserved (CAPACITY)',
      ],
      [
        { status: 'unfit', provider: p, code: 'CORES', reason: 'offers 4 cores, the job asks 8' },
        'would not fit: offers 4 cores, the job asks 8',
      ],
      [
        { status: 'offline', provider: p, reason: 'no answer within 2.5 s' },
        'offline: no answer within 2.5 s',
      ],
      [
        { status: 'invalid', provider: p, reason: 'the offer has already expired' },
        'invalid answer: the offer has already expired',
      ],
    ];
    for (const [match, text] of rows) assert.equal(matchText(match, 60, terms), text);
  });

  it('lists offers first, cheapest first, then declines, misfits, offline and invalid answers', () => {
    const p = provider(9);
    const sorted = sortMatches([
      { status: 'invalid', provider: p, reason: 'x' },
      { status: 'offline', provider: p, reason: 'x' },
      offer(3, { pricePerCoreSecond: 3n }),
      { status: 'unfit', provider: p, code: 'RUNTIME', reason: 'x' },
      { status: 'declined', provider: p, decline: { code: 'PAUSED', message: 'x' } },
      offer(1, { pricePerCoreSecond: 1n }),
    ]);
    assert.deepEqual(
      sorted.map((m) =>
        m.status === 'offer' ? `offer ${m.signed.offer.pricePerCoreSecond}` : m.status,
      ),
      ['offer 1', 'offer 3', 'declined', 'unfit', 'offline', 'invalid'],
    );
    assert.equal(matchCountText(sorted), '2 offers from 6 providers');
    assert.equal(matchCountText([offer(1)]), '1 offer from 1 provider');
  });
});
