import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { jobKeys, newJobKeyLabel } from '../keys/umbral-keys.js';
import { followLiveOutput } from './follow-live.js';

/** A provider endpoint that answers each live request with the next status of `statuses`. */
async function scriptedEndpoint(statuses: number[]): Promise<{ url: string; server: Server }> {
  let next = 0;
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(next++, statuses.length - 1)]!;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('followLiveOutput', () => {
  const account = privateKeyToAccount(generatePrivateKey());
  const options = (endpoint: string) => ({
    endpoint,
    jobId: 7n,
    chainId: 31337,
    market: account.address,
    account,
    provider: account.address,
    keys: jobKeys(new Uint8Array(32).fill(1), newJobKeyLabel()),
    onOutput: () => assert.fail('no output was sent'),
  });
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('asks again a provider that does not know the job yet, without spending its reconnections', async () => {
    // Three "unknown here" answers, then the job is over: a lagging provider is not "unreachable".
    const endpoint = await scriptedEndpoint([404, 404, 404, 410]);
    server = endpoint.server;
    const reconnects: string[] = [];
    const end = await followLiveOutput({
      ...options(endpoint.url),
      maxAttempts: 1,
      onReconnect: (_attempt, reason) => reconnects.push(reason),
    });
    assert.equal(end.complete, false);
    assert.equal(end.reason, 'the job ended before the live output was followed');
    assert.deepEqual(reconnects, [], 'waiting for a lagging provider is not a reconnection');
  });

  it('gives up, saying why, on a provider that never learns of the job', async () => {
    const endpoint = await scriptedEndpoint([404]);
    server = endpoint.server;
    const end = await followLiveOutput({ ...options(endpoint.url), unknownJobWaitMs: 1_200 });
    assert.equal(end.complete, false);
    assert.equal(end.reason, 'the provider did not know job 7 within 1 s');
  });

  it('gives up after its reconnections on an endpoint that fails', async () => {
    const endpoint = await scriptedEndpoint([500]);
    server = endpoint.server;
    const reconnects: number[] = [];
    const end = await followLiveOutput({
      ...options(endpoint.url),
      maxAttempts: 2,
      onReconnect: (attempt) => reconnects.push(attempt),
    });
    assert.equal(end.complete, false);
    assert.match(end.reason ?? '', /live endpoint is unreachable \(HTTP 500\)/);
    assert.deepEqual(reconnects, [1, 2]);
  });
});
