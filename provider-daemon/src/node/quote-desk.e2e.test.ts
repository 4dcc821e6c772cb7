import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { randomBytes } from 'node:crypto';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  QUOTE_PATH,
  QUOTE_RELEASE_PATH,
  encodeQuoteRelease,
  encodeQuoteRequest,
  grantKeyFrag,
  jobKeys,
  newJobKeyLabel,
  openAsProvider,
  parseQuoteDecline,
  parseSignedOffer,
  publicKeyFromHex,
  sealPayload,
  signQuoteRelease,
  verifyOfferSignature,
  type QuoteRequest,
} from '@orange-cloud/sdk';
import type { ProviderPolicy } from '../criteria.js';
import { LiveStreams } from '../live/live-streams.js';
import { startLiveServer, type LiveServer } from '../live/live-server.js';
import { silentLogger } from '../logger.js';
import { recordingLogger } from './test-fakes.js';
import type { RateLimitInit } from './client-rate-limit.js';
import { openQuoteDesk, type QuoteDesk } from './quote-desk.js';

const market = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const chainId = 31337;
const requester = '0x2222222222222222222222222222222222222222';

const quoteRequest = (overrides: Partial<QuoteRequest> = {}): QuoteRequest => ({
  chainId,
  market,
  runtime: 'python3',
  cores: 1,
  memoryMb: 512,
  timeoutSec: 600,
  requester,
  ...overrides,
});

/** A provider's endpoint as the daemon runs it: the live server with a real quote desk. */
async function startProvider(quoteRate?: RateLimitInit) {
  const stateDir = await mkdtemp(join(tmpdir(), 'orange-quote-desk-'));
  const account = privateKeyToAccount(generatePrivateKey());
  const policy: ProviderPolicy = {
    cores: 2,
    memoryMb: 2048,
    pricePerCoreSecond: 1_000_000n,
    runtimes: ['python3'],
    allowRequesters: [],
    denyRequesters: [],
  };
  // The desk's clock runs with the real one, plus an offset the test moves past expiries.
  const clock = { skewMs: 0, nowMs: () => Date.now() + clock.skewMs };
  const desk = await openQuoteDesk({
    chainId,
    market,
    maxTimeoutSec: 3600,
    stateDir,
    account,
    policy: { current: () => policy },
    log: silentLogger,
    clock,
  });
  desk.resume(); // no earlier run: nothing to re-hold first
  const server = await startLiveServer({
    streams: new LiveStreams(account, { chainId, market }),
    index: { jobs: new Map() },
    chainId,
    market,
    host: '127.0.0.1',
    port: 0,
    quotes: desk,
    ...(quoteRate ? { quoteRate } : {}),
  });
  return { stateDir, account, policy, clock, desk, server };
}

async function ask(server: LiveServer, body: string, type = 'application/json', path = QUOTE_PATH) {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** What a raw HTTP/1.1 exchange gets back, for requests fetch will not send. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (answer += data));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('quote desk over HTTP (POST /v2/quote)', () => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let desk: QuoteDesk;
  let server: LiveServer;
  before(async () => {
    // generous: this server's rate limit is not under test, the one below is
    provider = await startProvider({ perSecond: 1000, burst: 1000 });
    ({ desk, server } = provider);
  });
  after(async () => {
    await server?.close();
    desk?.close();
    if (provider) await rm(provider.stateDir, { recursive: true, force: true });
  });
  /** Moves the desk's clock past every offer's expiry and grace, so all capacity is free. */
  const expireEverything = async () => {
    provider.clock.skewMs += 71_000;
    await desk.sweep();
  };

  it('opens paused: PAUSED until the daemon resumes it', async () => {
    const paused = await openQuoteDesk({
      chainId,
      market,
      maxTimeoutSec: 3600,
      stateDir: provider.stateDir,
      account: provider.account,
      policy: { current: () => ({ ...provider.policy }) },
      log: silentLogger,
    });
    const answer = await paused.quote(quoteRequest());
    assert.equal('declined' in answer && answer.declined.code, 'PAUSED');
  });

  it('answers a quote with an offer signed by the provider, its job key kept 600', async () => {
    const { status, bytes } = await ask(server, encodeQuoteRequest(quoteRequest()));
    assert.equal(status, 200);
    const signed = parseSignedOffer(bytes);
    const offer = await verifyOfferSignature({ chainId, market }, signed);
    assert.equal(offer.provider, provider.account.address);
    assert.equal(offer.requester, requester);
    assert.equal(offer.cores, 1);
    assert.equal(offer.pricePerCoreSecond, 1_000_000n);
    const keyFile = join(provider.stateDir, 'job-keys', `${offer.nonce}.key`);
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    await expireEverything();
    await assert.rejects(stat(keyFile), { code: 'ENOENT' });
  });

  it('declines CAPACITY once offers hold every core, and offers again after they expire', async () => {
    const first = await ask(server, encodeQuoteRequest(quoteRequest({ cores: 2 })));
    assert.equal(first.status, 200);
    const busy = await ask(server, encodeQuoteRequest(quoteRequest()));
    assert.equal(busy.status, 409);
    const decline = parseQuoteDecline(busy.bytes);
    assert.equal(decline.code, 'CAPACITY');
    assert.match(decline.message, /0 of 2 cores/);
    await expireEverything();
    assert.equal((await ask(server, encodeQuoteRequest(quoteRequest()))).status, 200);
    await expireEverything();
  });

  it('gives no more offers than capacity to a flood of quotes at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => ask(server, encodeQuoteRequest(quoteRequest()))),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 200).length, 2);
    assert.equal(statuses.filter((s) => s === 409).length, 28);
    assert.deepEqual(desk.usage(), { cores: 2, memoryMb: 1024 });
    assert.equal((await readdir(join(provider.stateDir, 'job-keys'))).length, 2);
    await expireEverything();
  });

  it('holds a hired offer until the job ends, its key opening that job, then erases it', async () => {
    const { bytes } = await ask(server, encodeQuoteRequest(quoteRequest({ cores: 2 })));
    const { nonce, jobPublicKey } = parseSignedOffer(bytes).offer;
    // the requester seals its script to its own job key and grants the offer's key
    const requesterKeys = jobKeys(randomBytes(32), newJobKeyLabel());
    const script = new TextEncoder().encode('print("hello")');
    const sealed = sealPayload(script, requesterKeys);
    const kfrag = grantKeyFrag(requesterKeys, publicKeyFromHex(jobPublicKey));
    const hire = await desk.hired(nonce, 1n, { cores: 2, memoryMb: 512 });
    assert.equal(hire.outcome, 'bound');
    assert.ok(hire.key);
    const opened = openAsProvider({
      ...sealed,
      kfrag,
      providerSecretKey: hire.key.secretKey,
      delegatingPublicKey: requesterKeys.publicKey,
      verifyingPublicKey: requesterKeys.verifyingKey,
    });
    assert.deepEqual(opened, script);
    await expireEverything(); // the offer expired, the job holds on
    assert.equal((await ask(server, encodeQuoteRequest(quoteRequest()))).status, 409);
    await desk.jobEnded(1n, nonce);
    assert.deepEqual(await readdir(join(provider.stateDir, 'job-keys')), []);
    assert.equal((await ask(server, encodeQuoteRequest(quoteRequest()))).status, 200);
    await expireEverything();
  });

  describe('POST /v2/quote/release', () => {
    const me = privateKeyToAccount(generatePrivateKey());
    const nowSec = () => Math.floor(Date.now() / 1000);
    const offerFor = async (who = me.address) => {
      const { status, bytes } = await ask(
        server,
        encodeQuoteRequest(quoteRequest({ cores: 2, requester: who })),
      );
      assert.equal(status, 200);
      return parseSignedOffer(bytes).offer.nonce;
    };
    const releaseBody = async (nonces: bigint[], overrides = {}, signer = me) =>
      encodeQuoteRelease({
        ...(await signQuoteRelease(signer, {
          chainId,
          market,
          provider: provider.account.address,
          nonces,
          issuedAt: nowSec(),
          ...overrides,
        })),
      });
    const release = (body: string, type?: string) => ask(server, body, type, QUOTE_RELEASE_PATH);
    const releasedCount = (bytes: Uint8Array) =>
      (JSON.parse(new TextDecoder().decode(bytes)) as { released: number }).released;

    it('frees an offer its requester gives back at once and erases its key', async () => {
      const nonce = await offerFor();
      assert.equal((await ask(server, encodeQuoteRequest(quoteRequest()))).status, 409);
      const body = await releaseBody([nonce, 424242n]);
      const answer = await release(body);
      assert.equal(answer.status, 200);
      assert.equal(releasedCount(answer.bytes), 1); // the unknown nonce is ignored
      assert.deepEqual(await readdir(join(provider.stateDir, 'job-keys')), []);
      assert.deepEqual(desk.usage(), { cores: 0, memoryMb: 0 });
      assert.equal((await ask(server, encodeQuoteRequest(quoteRequest()))).status, 200);
      // the same release again (a replay) frees nothing more
      assert.equal(releasedCount((await release(body)).bytes), 0);
      assert.deepEqual(desk.usage(), { cores: 1, memoryMb: 512 });
      await expireEverything();
    });

    it('frees nothing of a hired offer: the job keeps its hold and its key', async () => {
      const nonce = await offerFor();
      assert.equal((await desk.hired(nonce, 7n, { cores: 2, memoryMb: 512 })).outcome, 'bound');
      const answer = await release(await releaseBody([nonce]));
      assert.equal(answer.status, 200);
      assert.equal(releasedCount(answer.bytes), 0);
      assert.equal((await readdir(join(provider.stateDir, 'job-keys'))).length, 1);
      assert.equal(desk.usage().cores, 2);
      await desk.jobEnded(7n, nonce);
    });

    it('refuses forged, stale, future, misdirected and malformed releases, and frees nothing', async () => {
      const nonce = await offerFor();
      const other = privateKeyToAccount(generatePrivateKey());
      // signed by another wallet but naming the offer's requester
      const forged = JSON.parse(await releaseBody([nonce], {}, other)) as Record<string, unknown>;
      forged.requester = me.address;
      const refusals: [string, number][] = [
        [JSON.stringify(forged), 401],
        [await releaseBody([nonce], { issuedAt: nowSec() - 200 }), 401],
        [await releaseBody([nonce], { issuedAt: nowSec() + 100 }), 401],
        [await releaseBody([nonce], { provider: other.address }), 401],
        [await releaseBody([nonce], { chainId: 1 }), 401],
        ['{"chainId": 31337', 400],
        [JSON.stringify({ ...forged, nonces: [] }), 400],
        [(await releaseBody([nonce])) + ' '.repeat(MAX_QUOTE_MESSAGE_BYTES), 413],
      ];
      for (const [body, status] of refusals)
        assert.equal((await release(body)).status, status, body.slice(0, 200));
      assert.equal((await release(await releaseBody([nonce]), 'text/plain')).status, 415);
      assert.equal((await fetch(server.url + QUOTE_RELEASE_PATH)).status, 405);
      // another requester's valid release of this offer: accepted, nothing freed
      const theirs = await release(await releaseBody([nonce], {}, other));
      assert.equal(theirs.status, 200);
      assert.equal(releasedCount(theirs.bytes), 0);
      assert.equal(desk.usage().cores, 2);
      assert.equal(releasedCount((await release(await releaseBody([nonce]))).bytes), 1);
      assert.equal(desk.usage().cores, 0);
    });
  });

  it('refuses malformed, oversized and non-JSON requests, and goes on serving', async () => {
    const malformed = await ask(server, '{"chainId": 31337');
    assert.equal(malformed.status, 400);
    assert.equal(parseQuoteDecline(malformed.bytes).code, 'BAD_REQUEST');
    const missing = await ask(server, JSON.stringify({ chainId, market, runtime: 'python3' }));
    assert.equal(missing.status, 400);
    assert.match(parseQuoteDecline(missing.bytes).message, /quote request/);
    const longKey = await ask(server, JSON.stringify({ ...quoteRequest(), ['k'.repeat(6000)]: 1 }));
    assert.equal(longKey.status, 400);
    // the parser names the stray key; the answer stays within what a client reads
    assert.match(
      parseQuoteDecline(longKey.bytes).message,
      /^The quote request is invalid: .{1,470}…$/,
    );
    const fractional = await ask(server, JSON.stringify({ ...quoteRequest(), cores: 1.5 }));
    assert.equal(fractional.status, 400);
    const text = await ask(server, encodeQuoteRequest(quoteRequest()), 'text/plain');
    assert.equal(text.status, 415);
    const padding = ' '.repeat(MAX_QUOTE_MESSAGE_BYTES);
    const oversized = await ask(server, encodeQuoteRequest(quoteRequest()) + padding);
    assert.equal(oversized.status, 413);
    // a declared length far beyond the cap is refused before its body is read
    const port = Number(new URL(server.url).port);
    const huge = await rawExchange(
      port,
      `POST ${QUOTE_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        'Content-Length: 1000000000\r\n\r\n{"chainId":',
    );
    assert.match(huge, /^HTTP\/1\.1 413 /);
    const get = await fetch(server.url + QUOTE_PATH);
    assert.equal(get.status, 405);
    assert.equal(desk.usage().cores, 0);
    assert.equal((await ask(server, encodeQuoteRequest(quoteRequest()))).status, 200);
    await expireEverything();
  });

  it('limits quote requests per address, so a flood cannot take every reservation', async () => {
    const limited = await startProvider({ perSecond: 0.001, burst: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await ask(limited.server, encodeQuoteRequest(quoteRequest()))).status);
      // two offers, one CAPACITY decline (it counts too), then refused
      assert.deepEqual(statuses, [200, 200, 409, 429, 429]);
      assert.equal(limited.desk.usage().cores, 2);
    } finally {
      await limited.server.close();
      limited.desk.close();
      await rm(limited.stateDir, { recursive: true, force: true });
    }
  });

  it('answers 500 when the desk fails (a full disk), logs it, and goes on serving', async () => {
    const log = recordingLogger();
    let failing = true;
    const failable = await startLiveServer({
      streams: new LiveStreams(provider.account, { chainId, market }),
      index: { jobs: new Map() },
      chainId,
      market,
      host: '127.0.0.1',
      port: 0,
      quotes: {
        quote: (request) => (failing ? Promise.reject(new Error('ENOSPC')) : desk.quote(request)),
        release: (who, nonces) => desk.release(who, nonces),
      },
      log,
    });
    try {
      assert.equal((await ask(failable, encodeQuoteRequest(quoteRequest()))).status, 500);
      assert.ok(log.lines.some((line) => line.includes('ENOSPC')));
      failing = false;
      assert.equal((await ask(failable, encodeQuoteRequest(quoteRequest()))).status, 200);
    } finally {
      await failable.close();
      await expireEverything();
    }
  });
});
