import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOrangeError } from '@orange-cloud/sdk';
import { DB_FILE, ProviderStore, SCHEMA_VERSION } from './provider-store.js';
import { openSqlite } from './sqlite.js';

const requester = '0x00000000000000000000000000000000000000Aa';
const hire = (jobId: bigint) =>
  ({
    jobId,
    offerNonce: jobId + 100n,
    requester,
    runtime: 'python3',
    ratePerSecondWei: 1000n,
    hiredAt: 1_000,
  }) as const;

describe('ProviderStore', () => {
  it('follows a job from its hire through its container to its end', () => {
    const store = ProviderStore.inMemory();
    store.hired(hire(7n));
    assert.equal(store.job(7n)?.state, 'hired');
    assert.equal(store.job(7n)?.requester, requester.toLowerCase());
    store.manifestFetched(7n, new Uint8Array([7, 7]));
    store.containerCreated(7n, 'c0ffee', 'ab'.repeat(16), 1_001);
    const running = store.job(7n)!;
    assert.equal(running.state, 'running');
    assert.equal(running.containerId, 'c0ffee');
    assert.equal(running.markerNonce, 'ab'.repeat(16));
    assert.deepEqual(running.manifest, new Uint8Array([7, 7]));
    assert.deepEqual(
      store.unfinished().map((j) => j.jobId),
      [7n],
    );
    store.ended(7n, { state: 'completed', endedAt: 1_004, runSeconds: 3, earnedWei: 3000n });
    assert.equal(store.job(7n)?.state, 'completed');
    assert.equal(store.job(7n)?.earnedWei, 3000n);
    assert.deepEqual(store.unfinished(), []);
  });

  it('records a job once: a second hire or a second end changes nothing', () => {
    const store = ProviderStore.inMemory();
    store.hired(hire(1n));
    store.ended(1n, {
      state: 'failed',
      endedAt: 5,
      runSeconds: 0,
      earnedWei: 0n,
      reason: 'provider shut down',
    });
    store.hired(hire(1n));
    store.ended(1n, { state: 'completed', endedAt: 6, runSeconds: 1, earnedWei: 1n });
    store.containerCreated(1n, 'late', 'cd'.repeat(16), 7);
    const job = store.job(1n)!;
    assert.equal(job.state, 'failed');
    assert.equal(job.reason, 'provider shut down');
    assert.equal(job.containerId, undefined);
  });

  it('lists served jobs newest first and counts them by state', () => {
    const store = ProviderStore.inMemory();
    for (const id of [1n, 2n, 3n, 4n]) store.hired(hire(id));
    store.ended(1n, { state: 'completed', endedAt: 10, runSeconds: 2, earnedWei: 2000n });
    store.ended(2n, { state: 'failed', endedAt: 30, runSeconds: 1, earnedWei: 1000n, reason: 'x' });
    store.ended(3n, { state: 'completed', endedAt: 20, runSeconds: 4, earnedWei: 4000n });
    assert.deepEqual(
      store.recent(2).map((j) => j.jobId),
      ['2', '3'],
    );
    assert.deepEqual(store.recent(1)[0], {
      jobId: '2',
      state: 'failed',
      endedAt: 30,
      runSeconds: 1,
      earnedWei: '1000',
    });
    assert.deepEqual(store.counts(), { completed: 2, failed: 1, cancelled: 0, expired: 0 });
  });

  it('keeps the offers still reserved: not hired, not closed, not expired', () => {
    const store = ProviderStore.inMemory();
    store.issued({ nonce: 1n, expiresAt: 100, cores: 1, memoryMb: 256 });
    store.issued({ nonce: 2n, expiresAt: 200, cores: 2, memoryMb: 512 });
    store.issued({ nonce: 3n, expiresAt: 300, cores: 1, memoryMb: 128 });
    store.issued({ nonce: 4n, expiresAt: 400, cores: 1, memoryMb: 128 });
    store.quoteHired(3n, 9n);
    store.quoteClosed(4n);
    assert.deepEqual(store.reserved(150), [{ nonce: 2n, expiresAt: 200, cores: 2, memoryMb: 512 }]);
    assert.equal(store.pruneQuotes(150), 1);
    assert.deepEqual(
      store.reserved(0).map((q) => q.nonce),
      [2n],
    );
  });

  it('keeps the chain cursor', () => {
    const store = ProviderStore.inMemory();
    assert.equal(store.cursor(), undefined);
    store.advance(41n);
    store.advance(42n);
    assert.equal(store.cursor(), 42n);
  });

  describe('on disk', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'orange-store-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('survives a reopen, in WAL mode', () => {
      const first = ProviderStore.open(dir);
      first.hired(hire(5n));
      first.containerCreated(5n, 'c1', 'ef'.repeat(16), 2);
      first.advance(9n);
      // No close: as after a kill -9, the write-ahead log holds the commits.
      const second = ProviderStore.open(dir);
      assert.equal(second.job(5n)?.containerId, 'c1');
      assert.equal(second.cursor(), 9n);
      const db = openSqlite(join(dir, DB_FILE));
      assert.deepEqual({ ...db.prepare('PRAGMA journal_mode').get() }, { journal_mode: 'wal' });
      db.close();
      first.close();
      second.close();
    });

    it('refuses a database of a newer daemon, saying so', () => {
      ProviderStore.open(dir).close();
      const db = openSqlite(join(dir, DB_FILE));
      db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
      db.close();
      assert.throws(
        () => ProviderStore.open(dir),
        (e: unknown) =>
          isOrangeError(e) && e.code === 'STATE_DB_UNUSABLE' && /newer daemon/.test(e.message),
      );
    });

    it('names the file of a database it cannot open', async () => {
      await writeFile(join(dir, DB_FILE), 'not a database, just text long enough '.repeat(200));
      assert.throws(
        () => ProviderStore.open(dir),
        (e: unknown) =>
          isOrangeError(e) && e.code === 'STATE_DB_UNUSABLE' && e.message.includes(DB_FILE),
      );
    });
  });
});
