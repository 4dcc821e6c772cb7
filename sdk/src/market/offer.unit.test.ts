import assert from 'node:assert/strict';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  ZERO_ADDRESS,
  signOffer,
  verifyOfferSignature,
  type Offer,
  type OfferDomain,
} from './offer.js';
import { encodeSignedOffer, parseSignedOffer } from './quote-wire.js';

const provider = privateKeyToAccount(generatePrivateKey());
const domain: OfferDomain = {
  chainId: 31337,
  market: '0x7a2088a1bFc9d81c55368AE168C2C02570cB814F',
};
const offer: Offer = {
  provider: provider.address,
  requester: ZERO_ADDRESS,
  runtime: 'python3',
  cores: 2,
  memoryMb: 512,
  maxTimeoutSec: 600,
  pricePerCoreSecond: 10n ** 12n,
  jobPublicKey: `0x02${'ab'.repeat(32)}`,
  expiresAt: 1_900_000_000n,
  nonce: 7n,
};

describe('signed offers', () => {
  it('verifies an offer signed by the provider it names, after the wire', async () => {
    const signed = await signOffer(provider, domain, offer);
    const received = parseSignedOffer(new TextEncoder().encode(encodeSignedOffer(signed)));
    assert.deepEqual(await verifyOfferSignature(domain, received), offer);
  });

  it('refuses an offer whose terms changed after signing', async () => {
    const signed = await signOffer(provider, domain, offer);
    const cheaper = { ...signed, offer: { ...offer, pricePerCoreSecond: 1n } };
    await assert.rejects(
      verifyOfferSignature(domain, cheaper),
      { code: 'OFFER_INVALID' },
      'a changed price must not verify',
    );
  });

  it('refuses an offer signed for another market', async () => {
    const signed = await signOffer(provider, domain, offer);
    const elsewhere = { ...domain, market: ZERO_ADDRESS };
    await assert.rejects(
      verifyOfferSignature(elsewhere, signed),
      { code: 'OFFER_INVALID' },
      'an offer for another market must not verify',
    );
  });

  it('refuses to sign an offer that names another provider', async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    await assert.rejects(
      signOffer(other, domain, offer),
      { code: 'OFFER_INVALID' },
      'must not sign for another provider',
    );
  });
});
