import assert from 'node:assert/strict';
import { compactSignatureToSignature, parseSignature, serializeSignature } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  ZERO_ADDRESS,
  compactOfferSignature,
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

describe('the compact signature hireJob takes', () => {
  // contracts/test/OrangeMarket.t.sol test_hireJob_acceptsAnOfferSignedByTheSdk hires with this
  // offer and the compact form below: the two sides agree on it.
  const forgeDomain: OfferDomain = {
    chainId: 31337,
    market: '0x5615dEB798BB3E4dFa0139dFa1b3D433Cc23b72f',
  };
  const forgeOffer: Offer = {
    provider: '0x0376AAc07Ad725E01357B1725B5ceC61aE10473c',
    requester: '0x00000000000000000000000000000000000A11cE',
    runtime: 'python3',
    cores: 2,
    memoryMb: 1024,
    maxTimeoutSec: 3600,
    pricePerCoreSecond: 10n,
    jobPublicKey: '0x02aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899',
    expiresAt: 1_700_000_060n,
    nonce: 7n,
  };

  it("is the forge test's (r, vs) for the offer the SDK signs", async () => {
    const key = `0x${'0'.repeat(61)}b0b` as const;
    const signed = await signOffer(privateKeyToAccount(key), forgeDomain, forgeOffer);
    assert.equal(
      signed.signature,
      '0x06b38f10699539c5de2f470172322c8788d4d89972fccddbb81ec28371f71c8a14ee5c29a42a7e2d2f4d7e0b047cc2352ba6a998a1625cb6c8710250b8dbb89f1b',
    );
    assert.deepEqual(compactOfferSignature(signed.signature), {
      r: '0x06b38f10699539c5de2f470172322c8788d4d89972fccddbb81ec28371f71c8a',
      vs: '0x14ee5c29a42a7e2d2f4d7e0b047cc2352ba6a998a1625cb6c8710250b8dbb89f',
    });
  });

  it('carries the y parity in the top bit of vs, and converts back to the same signature', async () => {
    const parities = new Set<bigint>();
    for (let i = 1; i <= 8; i++) {
      const account = privateKeyToAccount(`0x${i.toString(16).padStart(64, '0')}`);
      const signed = await signOffer(account, domain, { ...offer, provider: account.address });
      const { r, vs } = compactOfferSignature(signed.signature);
      const parity = BigInt(vs) >> 255n;
      assert.equal(parity, BigInt(parseSignature(signed.signature).yParity!));
      parities.add(parity);
      const back = compactSignatureToSignature({ r, yParityAndS: vs });
      assert.equal(serializeSignature(back), signed.signature);
    }
    assert.equal(parities.size, 2, 'these eight keys sign with both parities');
  });

  it('refuses a malformed signature', () => {
    assert.throws(() => compactOfferSignature('0x1234'), { code: 'OFFER_INVALID' });
  });
});
