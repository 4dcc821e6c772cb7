import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { ZERO_ADDRESS, type OfferDomain } from '../market/offer.js';
import { parseQuoteRelease, quoteReleaseProblem, type QuoteRelease } from '../market/quote-wire.js';
import type { AdvertisedProvider } from './provider-fit.js';
import type { OfferMatch, ProviderMatch } from './quotes.js';
import { releaseOffers } from './release-offers.js';

const domain: OfferDomain = {
  chainId: 31337,
  market: '0x7a2088a1bFc9d81c55368AE168C2C02570cB814F',
};
const me = privateKeyToAccount(generatePrivateKey());
const NOW = 1_900_000_000;
const requester = { domain, account: me };

/** A provider's release route on a real local HTTP server; every release it got is kept. */
interface FakeProvider {
  address: Address;
  url: string;
  got: QuoteRelease[];
  close: () => Promise<void>;
}

const servers: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function providerAt(answer: (res: ServerResponse, release: QuoteRelease) => void) {
  const address = privateKeyToAccount(generatePrivateKey()).address;
  const got: QuoteRelease[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/v2/quote/release');
      const release = parseQuoteRelease(Buffer.concat(chunks));
      got.push(release);
      answer(res, release);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeProvider = {
    address,
    url: `http://127.0.0.1:${port}/some/path`,
    got,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(fake);
  return fake;
}

const freesAll = (res: ServerResponse, release: QuoteRelease) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ released: release.nonces.length }));

const advertised = (address: Address, endpoint: string): AdvertisedProvider => ({
  address,
  endpoint,
  cores: 1,
  memoryMb: 1024,
  pricePerCoreSecond: 1n,
  runtimes: ['python3'],
});

/** An offer as a quote round classified it (the signature is not read by a release). */
const offerMatch = (address: Address, endpoint: string, nonce: bigint): OfferMatch => ({
  status: 'offer',
  provider: advertised(address, endpoint),
  signed: {
    offer: {
      provider: address,
      requester: me.address,
      runtime: 'python3',
      cores: 1,
      memoryMb: 512,
      maxTimeoutSec: 60,
      pricePerCoreSecond: 1n,
      jobPublicKey: `0x02${'ab'.repeat(32)}`,
      expiresAt: BigInt(NOW + 60),
      nonce,
    },
    signature: `0x${'11'.repeat(65)}`,
  },
});

describe('releasing unused offers', () => {
  it('gives back every offer but the one kept, one signed release per provider', async () => {
    const a = await providerAt(freesAll);
    const b = await providerAt(freesAll);
    const kept = await providerAt(freesAll);
    const chosen = offerMatch(kept.address, kept.url, 9n);
    const matches: ProviderMatch[] = [
      offerMatch(a.address, a.url, 1n),
      offerMatch(b.address, b.url, 2n),
      chosen,
      {
        status: 'declined',
        provider: advertised(ZERO_ADDRESS, a.url),
        decline: { code: 'CAPACITY', message: 'busy' },
      },
    ];
    assert.equal(await releaseOffers(requester, matches, chosen, { nowSec: () => NOW }), 2);
    assert.equal(kept.got.length, 0);
    for (const [fake, nonce] of [
      [a, 1n],
      [b, 2n],
    ] as const) {
      assert.equal(fake.got.length, 1);
      const [release] = fake.got;
      assert.deepEqual(release!.nonces, [nonce]);
      assert.equal(release!.requester, me.address);
      const receiver = { ...domain, provider: fake.address, nowSec: NOW };
      assert.equal(await quoteReleaseProblem(release!, receiver), undefined);
    }
  });

  it('gives back an offer above the price ceiling too', async () => {
    const a = await providerAt(freesAll);
    const { signed } = offerMatch(a.address, a.url, 4n);
    const dear: ProviderMatch = {
      status: 'unfit',
      provider: advertised(a.address, a.url),
      code: 'PRICE',
      reason: 'offered 1 wei per core-second, above the ceiling of 0',
      signed,
    };
    assert.equal(await releaseOffers(requester, [dear]), 1);
    assert.deepEqual(a.got[0]!.nonces, [4n]);
  });

  it('without a kept offer gives back all of them (a preview)', async () => {
    const a = await providerAt(freesAll);
    const matches = [offerMatch(a.address, a.url, 1n), offerMatch(a.address, a.url, 2n)];
    assert.equal(await releaseOffers(requester, matches), 2);
    assert.deepEqual(
      a.got.map((r) => r.nonces),
      [[1n, 2n]],
    );
  });

  it('never throws: an offline, failing, silent or lying provider counts 0', async () => {
    const failing = await providerAt((res) => res.writeHead(500).end('no'));
    const silent = await providerAt(() => {});
    const lying = await providerAt((res) =>
      res.writeHead(200).end(JSON.stringify({ released: 1000 })),
    );
    const garbled = await providerAt((res) => res.writeHead(200).end('{"released":'));
    const matches = [
      offerMatch(failing.address, failing.url, 1n),
      offerMatch(silent.address, silent.url, 2n),
      offerMatch(lying.address, lying.url, 3n),
      offerMatch(garbled.address, garbled.url, 4n),
      offerMatch(ZERO_ADDRESS, 'http://127.0.0.1:1', 5n),
      offerMatch(ZERO_ADDRESS, 'not a url', 6n),
    ];
    // the liar is believed only up to the offers it was sent
    assert.equal(await releaseOffers(requester, matches, undefined, { timeoutMs: 300 }), 1);
    assert.equal(silent.got.length, 1);
  });
});
