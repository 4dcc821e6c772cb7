import assert from 'node:assert/strict';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  MAX_RELEASE_NONCES,
  encodeQuoteRelease,
  parseQuoteRelease,
  quoteReleaseProblem,
  quoteReleaseText,
  signQuoteRelease,
  type QuoteRelease,
  type QuoteReleaseTerms,
} from './quote-wire.js';

const requester = privateKeyToAccount(generatePrivateKey());
const now = 1_900_000_000;
const terms: QuoteReleaseTerms = {
  chainId: 31337,
  market: '0x7a2088a1bFc9d81c55368AE168C2C02570cB814F',
  provider: '0x3333333333333333333333333333333333333333',
  nonces: [7n, 2n ** 64n - 1n],
  issuedAt: now,
};
const receiver = { chainId: 31337, market: terms.market, provider: terms.provider, nowSec: now };

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const wire = (release: QuoteRelease) =>
  JSON.parse(encodeQuoteRelease(release)) as Record<string, unknown>;

describe('quote releases', () => {
  it('signs a fixed text naming chain, market, provider, nonces and time', () => {
    assert.equal(
      quoteReleaseText(terms),
      'orange-cloud/quote-release/v2\nchain: 31337\n' +
        'market: 0x7a2088a1bfc9d81c55368ae168c2c02570cb814f\n' +
        'provider: 0x3333333333333333333333333333333333333333\n' +
        'nonces: 7,18446744073709551615\nissuedAt: 1900000000',
    );
  });

  it('passes the wire and verifies as signed by its requester', async () => {
    const release = await signQuoteRelease(requester, terms);
    const received = parseQuoteRelease(new TextEncoder().encode(encodeQuoteRelease(release)));
    assert.deepEqual(received, release);
    assert.deepEqual(received.nonces, [7n, 2n ** 64n - 1n]);
    assert.equal(await quoteReleaseProblem(received, receiver), undefined);
  });

  it('refuses a release whose nonces changed after signing, or that names another signer', async () => {
    const release = await signQuoteRelease(requester, terms);
    assert.match(
      (await quoteReleaseProblem({ ...release, nonces: [8n] }, receiver)) ?? '',
      /not signed by its requester/,
    );
    const other = privateKeyToAccount(generatePrivateKey()).address;
    assert.match(
      (await quoteReleaseProblem({ ...release, requester: other }, receiver)) ?? '',
      /not signed by its requester/,
    );
    assert.match(
      (await quoteReleaseProblem({ ...release, signature: `0x${'00'.repeat(65)}` }, receiver)) ??
        '',
      /signature is malformed|not signed/,
    );
  });

  it('refuses a release for another chain, market or provider', async () => {
    const release = await signQuoteRelease(requester, terms);
    for (const elsewhere of [
      { ...receiver, chainId: 1 },
      { ...receiver, market: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const },
      { ...receiver, provider: '0x4444444444444444444444444444444444444444' as const },
    ])
      assert.match((await quoteReleaseProblem(release, elsewhere)) ?? '', /it is for the/);
  });

  it('refuses a release older than 120 s or dated more than 30 s ahead', async () => {
    const release = await signQuoteRelease(requester, terms);
    assert.equal(await quoteReleaseProblem(release, { ...receiver, nowSec: now + 120 }), undefined);
    assert.match(
      (await quoteReleaseProblem(release, { ...receiver, nowSec: now + 121 })) ?? '',
      /older than 120 s/,
    );
    assert.equal(await quoteReleaseProblem(release, { ...receiver, nowSec: now - 30 }), undefined);
    assert.match(
      (await quoteReleaseProblem(release, { ...receiver, nowSec: now - 31 })) ?? '',
      /30 s ahead/,
    );
  });

  it('refuses malformed releases with QUOTE_INVALID naming the field', async () => {
    const good = wire(await signQuoteRelease(requester, terms));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, nonces: [] }, /"nonces" must be a list of 1 to 32/],
      [
        { ...good, nonces: Array.from({ length: MAX_RELEASE_NONCES + 1 }, (_, i) => String(i)) },
        /"nonces" must be a list/,
      ],
      [{ ...good, nonces: ['7', 8] }, /"nonces.1" must be a decimal integer/],
      [{ ...good, nonces: ['07'] }, /"nonces.0" must be a decimal integer/],
      [{ ...good, nonces: ['18446744073709551616'] }, /"nonces.0" must fit in 64 bits/],
      [{ ...good, nonces: ['7', '7'] }, /must not repeat/],
      [{ ...good, issuedAt: '1900000000' }, /"issuedAt" must be a whole number/],
      [{ ...good, requester: 'me' }, /"requester" must be an address/],
      [{ ...good, signature: '0x12' }, /"signature" must be 65 bytes/],
      [{ ...good, extra: 1 }, /"extra" is not allowed/],
      [{ chainId: 31337 }, /is missing/],
    ];
    for (const [value, message] of cases)
      assert.throws(() => parseQuoteRelease(bytes(value)), { code: 'QUOTE_INVALID', message });
  });
});
