import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrangeError } from '@orange-cloud/sdk';
import { AdminClient, parseAdminFile, parseStatus } from './daemon-status.js';

const STATUS = {
  provider: '0x' + '12'.repeat(20),
  online: true,
  paused: false,
  registered: true,
  capacity: { cores: 2, memoryMb: 2048, coresInUse: 0, memoryMbInUse: 0 },
  running: [],
  served: [],
  earnings: { settledWei: '0', incomingFlowRateWei: '0', at: 1 },
  counts: { completed: 0, failed: 0, cancelled: 0, expired: 0 },
};

/** The admin surface of spec-12.md, as a fake: Bearer token, /status, /pause, /resume. */
async function fakeDaemon(
  token: string,
): Promise<{ server: Server; url: string; calls: string[] }> {
  let paused = false;
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end();
      return;
    }
    if (req.method === 'POST' && req.url === '/pause') paused = true;
    else if (req.method === 'POST' && req.url === '/resume') paused = false;
    else if (!(req.method === 'GET' && req.url === '/status')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...STATUS, paused }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, calls };
}

describe('daemon admin client', () => {
  it('reads status, pauses and resumes with the token from admin.json', async () => {
    const { server, url, calls } = await fakeDaemon('s3cret');
    try {
      const admin = parseAdminFile(
        JSON.stringify({ url, token: 's3cret', pid: 42, provider: STATUS.provider }),
      );
      const client = new AdminClient(admin, fetch);
      assert.equal(client.pid, 42);
      assert.equal((await client.status()).paused, false);
      assert.equal((await client.pause()).paused, true);
      assert.equal((await client.status()).paused, true);
      assert.equal((await client.resume()).paused, false);
      assert.deepEqual(calls, ['GET /status', 'POST /pause', 'GET /status', 'POST /resume']);
    } finally {
      server.close();
    }
  });

  it('reports a refused token as the daemon failing, with the HTTP status', async () => {
    const { server, url } = await fakeDaemon('right');
    try {
      const client = new AdminClient({ url, token: 'wrong', pid: 1, provider: '' }, fetch);
      await assert.rejects(client.status(), (error: unknown) => {
        return error instanceof OrangeError && /HTTP 401/.test(error.message);
      });
    } finally {
      server.close();
    }
  });

  it('refuses a /status of another shape, and an incomplete admin.json', () => {
    assert.throws(() => parseStatus({ online: true }), /unknown form/);
    assert.throws(
      () => parseStatus({ ...STATUS, earnings: { ...STATUS.earnings, settledWei: '-1' } }),
      /unknown form/,
    );
    assert.equal(parseStatus(STATUS).online, true);
    assert.throws(() => parseAdminFile('{"url":"http://x"}'), /incomplete/);
  });
});
