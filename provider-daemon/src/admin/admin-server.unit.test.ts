import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { silentLogger } from '../logger.js';
import type { ProviderStatus } from '../observe/provider-status.js';
import { startAdminServer, type AdminServer } from './admin-server.js';
import { readAdminFile, removeAdminFile, writeAdminFile } from './admin-file.js';

const TOKEN = 'a'.repeat(64);

describe('admin endpoint', () => {
  let server: AdminServer;
  const held: boolean[] = [];
  let healthy = true;
  const status = () => ({ paused: held.at(-1) ?? false }) as unknown as ProviderStatus;

  before(async () => {
    const metrics = new Registry();
    server = await startAdminServer(
      {
        health: async () =>
          healthy ? { ok: true } : { ok: false, why: 'the chain is unreachable' },
        metrics,
        status,
        hold: (on) => held.push(on),
        log: silentLogger,
      },
      { host: '127.0.0.1', port: 0, token: TOKEN },
    );
  });
  after(() => server.close());

  const call = (method: string, path: string, token?: string) =>
    fetch(server.url + path, {
      method,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it('answers /healthz without a token: 200 ok, or 503 with why', async () => {
    let res = await call('GET', '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
    healthy = false;
    res = await call('GET', '/healthz');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { ok: false, why: 'the chain is unreachable' });
    healthy = true;
  });

  it('answers /metrics without a token, as Prometheus text', async () => {
    const res = await call('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
  });

  for (const [method, path] of [
    ['GET', '/status'],
    ['POST', '/pause'],
    ['POST', '/resume'],
  ] as const) {
    it(`refuses ${method} ${path} with no token or a wrong one (401), and changes nothing`, async () => {
      for (const token of [undefined, '', 'b'.repeat(64), TOKEN.slice(1), `${TOKEN}x`]) {
        const res = await call(method, path, token);
        assert.equal(res.status, 401, `token ${token}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      }
      assert.deepEqual(held, []);
    });
  }

  it('pauses and resumes with the token, answering the status', async () => {
    let res = await call('POST', '/pause', TOKEN);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { paused: true });
    res = await call('GET', '/status', TOKEN);
    assert.deepEqual(await res.json(), { paused: true });
    res = await call('POST', '/resume', TOKEN);
    assert.deepEqual(await res.json(), { paused: false });
    assert.deepEqual(held, [true, false]);
  });

  it('answers 404 to anything else (GET /pause too)', async () => {
    assert.equal((await call('GET', '/pause', TOKEN)).status, 404);
    assert.equal((await call('GET', '/', TOKEN)).status, 404);
  });
});

describe('admin.json', () => {
  it('is written owner-only, read back, and removed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'admin-file-'));
    const file = { url: 'http://127.0.0.1:1', token: TOKEN, pid: 1, provider: '0xabc' };
    const path = await writeAdminFile(join(dir, 'state'), file);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), file);
    assert.deepEqual(await readAdminFile(join(dir, 'state')), file);
    await removeAdminFile(join(dir, 'state'));
    await assert.rejects(readAdminFile(join(dir, 'state')), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'PROVIDER_NOT_RUNNING');
      assert.match(e.message, /not running: .*admin\.json does not exist/);
      return true;
    });
  });
});
