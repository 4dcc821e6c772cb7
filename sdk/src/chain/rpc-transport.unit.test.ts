import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicClient } from 'viem';
import { freePort } from '../devnet/anvil.js';
import { rpcTransport } from './rpc-transport.js';

/** A JSON-RPC endpoint that answers eth_chainId with 31337 and counts what it was asked. */
async function chainIdServer(): Promise<{ url: string; calls: string[]; server: Server }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { id, method } = JSON.parse(body) as { id: number; method: string };
      calls.push(method);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x7a69' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, server };
}

describe('rpcTransport', () => {
  let live: Awaited<ReturnType<typeof chainIdServer>>;
  let dead: string;
  before(async () => {
    live = await chainIdServer();
    // a port nothing listens on: connections are refused
    dead = `http://127.0.0.1:${await freePort()}`;
  });
  after(() => new Promise((resolve) => live.server.close(resolve)));

  it('falls back to the next URL when the first is down', async () => {
    const client = createPublicClient({
      transport: rpcTransport([dead, live.url], { retryCount: 0 }),
    });
    assert.equal(await client.getChainId(), 31337);
    assert.deepEqual(live.calls, ['eth_chainId']);
  });

  it('uses the first URL while it answers', async () => {
    live.calls.length = 0;
    const client = createPublicClient({
      transport: rpcTransport([live.url, dead], { retryCount: 0 }),
    });
    assert.equal(await client.getChainId(), 31337);
    assert.deepEqual(live.calls, ['eth_chainId']);
  });

  it('fails when every URL is down, and needs at least one', async () => {
    const client = createPublicClient({ transport: rpcTransport([dead, dead], { retryCount: 0 }) });
    await assert.rejects(client.getChainId());
    assert.throws(() => rpcTransport([]), /at least one URL/);
  });
});
