import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import {
  ZERO_ADDRESS,
  offerTypedData,
  signOffer,
  type Offer,
  type OfferDomain,
} from '../market/offer.js';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  encodeQuoteDecline,
  encodeSignedOffer,
  parseQuoteRequest,
  type QuoteRequest,
} from '../market/quote-wire.js';
import type { AdvertisedProvider, QuoteTerms } from './provider-fit.js';
import { chooseOffer, requestQuotes, type ProviderMatch, type QuoteComponents } from './quotes.js';

const domain: OfferDomain = {
  chainId: 31337,
  market: '0x7a2088a1bFc9d81c55368AE168C2C02570cB814F',
};
const me = privateKeyToAccount(generatePrivateKey()).address;
const NOW = 1_900_000_000;
const components: QuoteComponents = { domain, requester: me, nowSec: () => NOW };
const terms: QuoteTerms = { runtime: 'python3', cores: 2, memoryMb: 512, timeoutSec: 60 };

type Handler = (req: IncomingMessage, res: ServerResponse, asked: QuoteRequest) => void;

/** A provider's endpoint on a real local HTTP server; every request it got is kept. */
interface FakeEndpoint {
  url: string;
  asked: QuoteRequest[];
  close: () => Promise<void>;
}

const servers: FakeEndpoint[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function endpoint(handler: Handler): Promise<FakeEndpoint> {
  const asked: QuoteRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/v2/quote');
      const request = parseQuoteRequest(Buffer.concat(chunks));
      asked.push(request);
      handler(req, res, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeEndpoint = {
    url: `http://127.0.0.1:${port}`,
    asked,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(fake);
  return fake;
}

/** What the provider's daemon would offer for `asked`, with `change` applied before signing. */
function offerFor(
  account: PrivateKeyAccount,
  asked: QuoteRequest,
  change: Partial<Offer> = {},
): Offer {
  return {
    provider: account.address,
    requester: asked.requester ?? ZERO_ADDRESS,
    runtime: asked.runtime,
    cores: asked.cores,
    memoryMb: asked.memoryMb,
    maxTimeoutSec: 3600,
    pricePerCoreSecond: 1000n,
    jobPublicKey: `0x03${'cd'.repeat(32)}`,
    expiresAt: BigInt(NOW + 60),
    nonce: 1n,
    ...change,
  };
}

const json = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};

/** An honest provider: it signs what was asked, with `change` (price, expiry…) applied. */
function honest(account: PrivateKeyAccount, change: Partial<Offer> = {}): Handler {
  return (_req, res, asked) => {
    void signOffer(account, domain, offerFor(account, asked, change)).then((signed) =>
      json(res, 200, encodeSignedOffer(signed)),
    );
  };
}

function advert(
  account: { address: Address },
  url: string,
  change: Partial<AdvertisedProvider> = {},
): AdvertisedProvider {
  return {
    address: account.address,
    cores: 4,
    memoryMb: 4096,
    pricePerCoreSecond: 1000n,
    runtimes: ['python3'],
    endpoint: url,
    ...change,
  };
}

const newAccount = () => privateKeyToAccount(generatePrivateKey());

/** One provider answering with `handler`: its match. */
async function quoteFrom(handler: (account: PrivateKeyAccount) => Handler, t = terms) {
  const account = newAccount();
  const server = await endpoint(handler(account));
  const [match] = await requestQuotes(components, t, [advert(account, server.url)], {
    timeoutMs: 1_000,
  });
  return { match: match!, server, account };
}

function reasonOf(match: ProviderMatch): string {
  assert.ok('reason' in match, `expected a reason, got ${match.status}`);
  return match.reason;
}

describe('requestQuotes', () => {
  it("asks a fitting provider for the terms in this requester's name and keeps its verified offer", async () => {
    const { match, server, account } = await quoteFrom((a) => honest(a));
    assert.equal(match.status, 'offer');
    assert.deepEqual(server.asked, [
      {
        chainId: 31337,
        market: domain.market,
        runtime: 'python3',
        cores: 2,
        memoryMb: 512,
        timeoutSec: 60,
        requester: me,
      },
    ]);
    assert.ok(match.status === 'offer');
    assert.equal(match.signed.offer.provider, account.address);
    assert.equal(match.signed.offer.requester, me);
  });

  it('takes an offer open to any requester', async () => {
    const { match } = await quoteFrom((a) => honest(a, { requester: ZERO_ADDRESS }));
    assert.equal(match.status, 'offer');
  });

  it('asks every fitting provider at once', async () => {
    // Each endpoint answers only after all three were asked: asking one after another would
    // leave the first waiting until it timed out.
    const accounts = [newAccount(), newAccount(), newAccount()];
    const waiting: (() => void)[] = [];
    const fakes = await Promise.all(
      accounts.map((account) =>
        endpoint((req, res, asked) => {
          waiting.push(() => honest(account)(req, res, asked));
          if (waiting.length === accounts.length) for (const answer of waiting) answer();
        }),
      ),
    );
    const matches = await requestQuotes(
      components,
      terms,
      accounts.map((a, i) => advert(a, fakes[i]!.url)),
      { timeoutMs: 2_000 },
    );
    assert.deepEqual(
      matches.map((m) => m.status),
      ['offer', 'offer', 'offer'],
    );
  });

  it('refuses an offer signed by another key (forged)', async () => {
    const { match } = await quoteFrom((account) => (_req, res, asked) => {
      const forger = newAccount();
      void forger
        .signTypedData(offerTypedData(domain, offerFor(account, asked)))
        .then((signature) =>
          json(res, 200, encodeSignedOffer({ offer: offerFor(account, asked), signature })),
        );
    });
    assert.equal(match.status, 'invalid');
    assert.match(reasonOf(match), /not signed by 0x[0-9a-fA-F]{40} for this market/);
  });

  it('refuses an offer signed for another market', async () => {
    const { match } = await quoteFrom((account) => (_req, res, asked) => {
      void signOffer(account, { ...domain, market: ZERO_ADDRESS }, offerFor(account, asked)).then(
        (s) => json(res, 200, encodeSignedOffer(s)),
      );
    });
    assert.equal(match.status, 'invalid');
    assert.match(reasonOf(match), /not signed by .* for this market/);
  });

  it("refuses an offer in another provider's name, even one that provider signed", async () => {
    const other = newAccount();
    const { match } = await quoteFrom(() => honest(other));
    assert.equal(match.status, 'invalid');
    assert.match(reasonOf(match), new RegExp(`names ${other.address} as provider`));
  });

  const wrongTerms: [string, Partial<Offer>, RegExp][] = [
    ['another runtime', { runtime: 'python-data' }, /runtime python-data, not python3/],
    ['fewer cores', { cores: 1 }, /reserves 1 cores, not 2/],
    ['other memory', { memoryMb: 256 }, /reserves 256 MB, not 512 MB/],
    ['a shorter timeout', { maxTimeoutSec: 30 }, /allows 30 s, less than the 60 s/],
    [
      'another requester',
      { requester: '0x000000000000000000000000000000000000dEaD' },
      /for requester 0x0+dEaD, not this wallet/,
    ],
    ['an expired offer', { expiresAt: BigInt(NOW - 1) }, /already expired/],
    ['an offer expiring in 9 s', { expiresAt: BigInt(NOW + 9) }, /expires in less than 10 s/],
  ];
  for (const [what, change, reason] of wrongTerms) {
    it(`refuses ${what}`, async () => {
      const { match } = await quoteFrom((a) => honest(a, change));
      assert.equal(match.status, 'invalid');
      assert.match(reasonOf(match), reason);
    });
  }

  it('takes an offer valid exactly 10 s more', async () => {
    const { match } = await quoteFrom((a) => honest(a, { expiresAt: BigInt(NOW + 10) }));
    assert.equal(match.status, 'offer');
  });

  it('passes over an offer dearer than the ceiling, saying the price', async () => {
    const { match } = await quoteFrom((a) => honest(a, { pricePerCoreSecond: 1500n }), {
      ...terms,
      maxPricePerCoreSecond: 1200n,
    });
    assert.equal(match.status, 'unfit');
    assert.ok(match.status === 'unfit');
    assert.equal(match.code, 'PRICE');
    assert.equal(match.reason, 'offered 1500 wei per core-second, above the ceiling of 1200');
  });

  it('keeps a decline with its code and message', async () => {
    const { match } = await quoteFrom(
      () => (_req, res) =>
        json(
          res,
          409,
          encodeQuoteDecline({ code: 'CAPACITY', message: 'all 4 cores are reserved' }),
        ),
    );
    assert.deepEqual(match.status === 'declined' && match.decline, {
      code: 'CAPACITY',
      message: 'all 4 cores are reserved',
    });
  });

  it('calls a malformed decline and a malformed offer invalid, saying what was wrong', async () => {
    const decline = await quoteFrom(
      () => (_req, res) =>
        json(res, 409, JSON.stringify({ declined: { code: 'BORED', message: 'no' } })),
    );
    assert.equal(decline.match.status, 'invalid');
    assert.match(reasonOf(decline.match), /^its decline: .*declined\.code/);
    const offer = await quoteFrom(() => (_req, res) => json(res, 200, '{"offer": 1'));
    assert.equal(offer.match.status, 'invalid');
    assert.match(reasonOf(offer.match), /^its offer: /);
  });

  it('calls an answer larger than the cap invalid, with or without a length', async () => {
    const big = 'x'.repeat(MAX_QUOTE_MESSAGE_BYTES + 1);
    const declared = await quoteFrom(() => (_req, res) => json(res, 200, big));
    assert.match(
      reasonOf(declared.match),
      new RegExp(`larger than ${MAX_QUOTE_MESSAGE_BYTES} bytes`),
    );
    const streamed = await quoteFrom(() => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length said
      for (let i = 0; i < 64; i++) res.write('y'.repeat(1024));
      res.end();
    });
    assert.equal(streamed.match.status, 'invalid');
    assert.match(reasonOf(streamed.match), /larger than/);
  });

  it('calls a provider that answers too slowly offline, also when its body stalls', async () => {
    const silent = await quoteFrom(() => () => {});
    assert.equal(silent.match.status, 'offline');
    assert.equal(reasonOf(silent.match), 'no answer within 1 s');
    const stalled = await quoteFrom(() => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"offer":');
    });
    assert.equal(stalled.match.status, 'offline');
  });

  it('calls an HTTP error or a closed port offline', async () => {
    const failing = await quoteFrom(() => (_req, res) => json(res, 500, '{}'));
    assert.equal(failing.match.status, 'offline');
    assert.equal(reasonOf(failing.match), 'its endpoint answered HTTP 500');

    const gone = await endpoint(() => {});
    await gone.close();
    const account = newAccount();
    const [match] = await requestQuotes(components, terms, [advert(account, gone.url)]);
    assert.equal(match!.status, 'offline');
    assert.match(reasonOf(match!), /unreachable \(ECONNREFUSED\)/);
  });

  it('does not follow a redirect to another host', async () => {
    const target = await quoteFrom((a) => honest(a));
    const { match } = await quoteFrom(() => (_req, res) => {
      res.writeHead(307, { location: `${target.server.url}/v2/quote` });
      res.end();
    });
    assert.equal(match.status, 'offline');
    assert.equal(target.server.asked.length, 1, 'only its own quote round asked the target');
  });

  it('asks nobody whose advertisement cannot fit, and says why', async () => {
    const server = await endpoint(() => assert.fail('an unfit provider was asked'));
    const a = newAccount();
    const cases: [Partial<AdvertisedProvider>, string, string][] = [
      [
        { runtimes: ['python-data'] },
        'RUNTIME',
        'does not offer runtime python3 (offers python-data)',
      ],
      [{ cores: 1 }, 'CORES', 'offers 1 cores, the job asks 2'],
      [{ memoryMb: 256 }, 'MEMORY', 'offers 256 MB, the job asks 512 MB'],
      [
        { pricePerCoreSecond: 5000n },
        'PRICE',
        'asks 5000 wei per core-second, above the ceiling of 2000',
      ],
      [{ endpoint: '' }, 'ENDPOINT', 'advertises no http(s) endpoint to ask for an offer'],
      [
        { endpoint: 'file:///etc/passwd' },
        'ENDPOINT',
        'advertises no http(s) endpoint to ask for an offer',
      ],
    ];
    const matches = await requestQuotes(
      components,
      { ...terms, maxPricePerCoreSecond: 2000n },
      cases.map(([change]) => advert(a, server.url, change)),
    );
    assert.deepEqual(
      matches.map((m) => m.status === 'unfit' && [m.code, m.reason]),
      cases.map(([, code, reason]) => [code, reason]),
    );
    assert.equal(server.asked.length, 0);
  });

  it('stops when the user gives up', async () => {
    const account = newAccount();
    const server = await endpoint(() => {});
    const giveUp = new AbortController();
    const round = requestQuotes(components, terms, [advert(account, server.url)], {
      signal: giveUp.signal,
      timeoutMs: 60_000,
    });
    while (server.asked.length === 0) await new Promise((r) => setTimeout(r, 5));
    giveUp.abort();
    await assert.rejects(round, { code: 'ABORTED' });
  });
});

describe('chooseOffer', () => {
  const accounts = [newAccount(), newAccount(), newAccount()];
  const domainless = { endpoint: 'http://127.0.0.1:1' };

  async function offered(
    account: PrivateKeyAccount,
    change: Partial<Offer>,
  ): Promise<ProviderMatch> {
    const asked = { ...domain, ...terms, requester: me };
    const signed = await signOffer(account, domain, offerFor(account, asked, change));
    return { status: 'offer', provider: advert(account, domainless.endpoint), signed };
  }
  const declined = (account: PrivateKeyAccount, message: string): ProviderMatch => ({
    status: 'declined',
    provider: advert(account, domainless.endpoint),
    decline: { code: 'CAPACITY', message },
  });

  it('takes the cheapest offer', async () => {
    const matches = [
      await offered(accounts[0]!, { pricePerCoreSecond: 30n }),
      await offered(accounts[1]!, { pricePerCoreSecond: 10n }),
      await offered(accounts[2]!, { pricePerCoreSecond: 20n }),
    ];
    assert.equal(chooseOffer(matches).provider.address, accounts[1]!.address);
  });

  it('breaks a tie by the later expiry, then by the lower address', async () => {
    const later = await offered(accounts[0]!, { expiresAt: BigInt(NOW + 90) });
    const sooner = await offered(accounts[1]!, { expiresAt: BigInt(NOW + 30) });
    assert.equal(chooseOffer([sooner, later]).provider.address, accounts[0]!.address);
    const pair = [await offered(accounts[0]!, {}), await offered(accounts[1]!, {})];
    const lower = [...accounts.slice(0, 2)].sort((a, b) =>
      a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1,
    )[0]!;
    assert.equal(chooseOffer(pair).provider.address, lower.address);
    assert.equal(chooseOffer([...pair].reverse()).provider.address, lower.address);
  });

  it("takes the named provider's offer, dearer or not, and refuses when it has none", async () => {
    const matches = [
      await offered(accounts[0]!, { pricePerCoreSecond: 10n }),
      await offered(accounts[1]!, { pricePerCoreSecond: 99n }),
      declined(accounts[2]!, 'all 4 cores are reserved'),
    ];
    const named = accounts[1]!.address.toLowerCase() as Address;
    assert.equal(chooseOffer(matches, { provider: named }).provider.address, accounts[1]!.address);
    assert.throws(() => chooseOffer(matches, { provider: accounts[2]!.address }), {
      code: 'NO_OFFER',
      message: `No offer to run the job (1 provider):\n  ${accounts[2]!.address}: declined: all 4 cores are reserved (CAPACITY)`,
    });
    assert.throws(() => chooseOffer(matches, { provider: ZERO_ADDRESS }), {
      code: 'NO_OFFER',
      message: /is not an active provider/,
    });
  });

  it('passes over excluded providers and offers about to expire', async () => {
    const matches = [
      await offered(accounts[0]!, { pricePerCoreSecond: 10n }),
      await offered(accounts[1]!, { pricePerCoreSecond: 20n, expiresAt: BigInt(NOW + 15) }),
      await offered(accounts[2]!, { pricePerCoreSecond: 30n }),
    ];
    const choice = chooseOffer(matches, { exclude: [accounts[0]!.address], nowSec: NOW + 10 });
    assert.equal(choice.provider.address, accounts[2]!.address);
    assert.throws(
      () => chooseOffer(matches.slice(0, 2), { exclude: [accounts[0]!.address], nowSec: NOW + 10 }),
      {
        code: 'NO_OFFER',
        message: /its offer expires too soon/,
      },
    );
  });

  it('says why each provider gave no offer, a few lines at most', () => {
    const many = Array.from({ length: 6 }, (_, i) => declined(newAccount(), `busy ${i}`));
    const offline: ProviderMatch = {
      status: 'offline',
      provider: advert(accounts[0]!, domainless.endpoint),
      reason: 'no answer within 2.5 s',
    };
    assert.throws(
      () => chooseOffer([offline, ...many]),
      (error: Error & { code: string }) => {
        const lines = error.message.split('\n');
        assert.equal(error.code, 'NO_OFFER');
        assert.equal(lines[0], 'No offer to run the job (7 providers):');
        assert.equal(lines[1], `  ${accounts[0]!.address}: offline: no answer within 2.5 s`);
        assert.match(lines[2]!, /: declined: busy 0 \(CAPACITY\)$/);
        assert.equal(lines.at(-1), '  and 3 more');
        assert.equal(lines.length, 6);
        return true;
      },
    );
    assert.throws(() => chooseOffer([]), { code: 'NO_OFFER', message: /No active provider/ });
  });
});
