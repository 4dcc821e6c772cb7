import assert from 'node:assert/strict';
import { privateKeyToAccount } from 'viem/accounts';
import {
  liveAuthHeader,
  liveAuthSigner,
  signLiveEvent,
  verifyLiveEvent,
  type LiveEventBody,
} from './live-events.js';

const provider = privateKeyToAccount(`0x${'a1'.repeat(32)}`);
const requester = privateKeyToAccount(`0x${'b2'.repeat(32)}`);
const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const OTHER_MARKET = '0x00000000000000000000000000000000000000c3';
const scope = { chainId: 31337, market: MARKET } as const;
const body: LiveEventBody = { type: 'end', jobId: '4', id: 3, exitCode: 0 };

describe('live events v2', () => {
  it("verifies an event the provider signed for this chain and market (market's case aside)", async () => {
    const event = await signLiveEvent(provider, scope, body);
    assert.deepEqual(await verifyLiveEvent(event, provider.address, scope), body);
    const lower = { chainId: 31337, market: MARKET.toLowerCase() as `0x${string}` };
    assert.deepEqual(await verifyLiveEvent(event, provider.address, lower), body);
  });

  it('refuses the same event from another chain or market, or signed by another key', async () => {
    const event = await signLiveEvent(provider, scope, body);
    const tampered = { name: 'OrangeError', code: 'LIVE_OUTPUT_TAMPERED' };
    await assert.rejects(
      verifyLiveEvent(event, provider.address, { ...scope, chainId: 1 }),
      tampered,
    );
    await assert.rejects(
      verifyLiveEvent(event, provider.address, { ...scope, market: OTHER_MARKET }),
      tampered,
    );
    const byOther = await signLiveEvent(requester, scope, body);
    await assert.rejects(verifyLiveEvent(byOther, provider.address, scope), tampered);
    await assert.rejects(
      verifyLiveEvent({ ...event, signature: '0x1234' }, provider.address, scope),
      tampered,
    );
  });
});

describe('live authorization header', () => {
  const now = 1_800_000_000;
  const header = (issuedAt: number, nonce?: string) =>
    liveAuthHeader(requester, 31337, MARKET, 4n, issuedAt, nonce);
  const signer = (value: string | undefined) =>
    liveAuthSigner(value, 31337, MARKET, 4n, 300, now).then((auth) => auth?.signer);

  it('carries a fresh random nonce each time and recovers the signer with it', async () => {
    const first = await header(now);
    const second = await header(now);
    assert.match(first, /^Orange-Sig 1800000000:[0-9a-f]{32}:0x[0-9a-f]{130}$/);
    assert.notEqual(first.split(':')[1], second.split(':')[1]);
    const auth = await liveAuthSigner(first, 31337, MARKET, 4n, 300, now);
    assert.deepEqual(auth, {
      signer: requester.address,
      issuedAt: now,
      nonce: first.split(':')[1],
    });
  });

  it('refuses a timestamp more than 30 s ahead or older than the max age', async () => {
    assert.equal(await signer(await header(now + 30)), requester.address);
    assert.equal(await signer(await header(now + 31)), undefined);
    assert.equal(await signer(await header(now - 300)), requester.address);
    assert.equal(await signer(await header(now - 301)), undefined);
  });

  it('refuses the v1 form without a nonce, and a nonce changed after signing', async () => {
    const signed = await header(now);
    const [scheme, signature] = [signed.split(':')[0], signed.split(':')[2]];
    assert.equal(await signer(`${scheme}:${signature}`), undefined);
    const otherNonce = `${scheme}:${'0'.repeat(32)}:${signature}`;
    assert.notEqual(await signer(otherNonce), requester.address);
  });

  it('is bound to its job, chain and market', async () => {
    const signed = await header(now);
    const recovered = async (chainId: number, market: `0x${string}`, jobId: bigint) =>
      (await liveAuthSigner(signed, chainId, market, jobId, 300, now))?.signer;
    assert.notEqual(await recovered(31337, MARKET, 5n), requester.address);
    assert.notEqual(await recovered(1, MARKET, 4n), requester.address);
    assert.notEqual(await recovered(31337, OTHER_MARKET, 4n), requester.address);
  });
});
