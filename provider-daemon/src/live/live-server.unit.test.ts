import assert from 'node:assert/strict';
import { privateKeyToAccount } from 'viem/accounts';
import { LiveNonces, liveAuthHeader, type MarketIndex } from '@orange-cloud/sdk';
import { startLiveServer, type LiveServer } from './live-server.js';
import { LiveStreams } from './live-streams.js';

const provider = privateKeyToAccount(`0x${'a1'.repeat(32)}`);
const requester = privateKeyToAccount(`0x${'b2'.repeat(32)}`);
const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('live server authorization (real HTTP, index faked)', () => {
  let server: LiveServer;
  const start = async (nonces?: LiveNonces) => {
    const index = {
      jobs: new Map([
        [4n, { requester: requester.address, provider: provider.address, status: 'running' }],
      ]),
    } as unknown as MarketIndex;
    server = await startLiveServer({
      streams: new LiveStreams(provider, { chainId: 31337, market: MARKET }),
      index,
      chainId: 31337,
      market: MARKET,
      host: '127.0.0.1',
      port: 0,
      ...(nonces ? { nonces } : {}),
    });
  };
  afterEach(() => server.close());

  /** The status of a GET with this Authorization header; the event stream itself is dropped. */
  const status = async (authorization: string) => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/v1/jobs/4/live`, {
      headers: { authorization },
      signal: abort.signal,
    });
    abort.abort();
    return response.status;
  };
  const header = (issuedAt = Math.floor(Date.now() / 1000)) =>
    liveAuthHeader(requester, 31337, MARKET, 4n, issuedAt);

  it('serves a signed request once and refuses the same header replayed', async () => {
    await start();
    const signed = await header();
    assert.equal(await status(signed), 200);
    assert.equal(await status(signed), 401);
    assert.equal(await status(await header()), 200, 'a new nonce is served');
  });

  it('refuses a header issued more than 30 s ahead', async () => {
    await start();
    assert.equal(await status(await header(Math.floor(Date.now() / 1000) + 120)), 401);
  });

  it('answers 503 when its bounded nonce memory is full of live nonces', async () => {
    await start(new LiveNonces(1));
    assert.equal(await status(await header()), 200);
    assert.equal(await status(await header()), 503);
  });
});
