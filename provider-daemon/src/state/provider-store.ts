import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OrangeError } from '@orange-cloud/sdk';
import { openSqlite, type DatabaseSync } from './sqlite.js';
import {
  ENDED_STATES,
  type ChainCursor,
  type EndedState,
  type JobEnd,
  type JobLedger,
  type JobRecord,
  type JobState,
  type QuoteBook,
  type QuoteRecord,
  type ServedJob,
  type ServedJobs,
} from './types.js';

/** The database file under the daemon's state directory. */
export const DB_FILE = 'provider.db';

/** Bumped with every change to SCHEMA; a newer database is refused, an older one migrated. */
export const SCHEMA_VERSION = 1;

/** Offers are kept this long past their expiry, for an operator to look back (s). */
const CLOSED_QUOTES_KEPT_SEC = 7 * 86_400;

const SCHEMA = `
CREATE TABLE jobs (
  job_id TEXT PRIMARY KEY,
  offer_nonce TEXT NOT NULL,
  state TEXT NOT NULL,
  requester TEXT NOT NULL,
  runtime TEXT NOT NULL,
  rate_wei TEXT NOT NULL,
  hired_at INTEGER NOT NULL,
  container_id TEXT,
  marker_nonce TEXT,
  manifest BLOB,
  started_at INTEGER,
  ended_at INTEGER,
  run_seconds INTEGER,
  earned_wei TEXT,
  reason TEXT
);
CREATE INDEX jobs_by_state ON jobs (state);
CREATE TABLE quotes (
  nonce TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL,
  cores INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  state TEXT NOT NULL,
  job_id TEXT
);
CREATE TABLE chain_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), block TEXT NOT NULL);
`;

interface JobRow {
  job_id: string;
  offer_nonce: string;
  state: string;
  requester: string;
  runtime: string;
  rate_wei: string;
  hired_at: number;
  container_id: string | null;
  marker_nonce: string | null;
  manifest: Uint8Array | null;
  started_at: number | null;
  ended_at: number | null;
  run_seconds: number | null;
  earned_wei: string | null;
  reason: string | null;
}

const fromRow = (row: JobRow): JobRecord => ({
  jobId: BigInt(row.job_id),
  offerNonce: BigInt(row.offer_nonce),
  state: row.state as JobState,
  requester: row.requester as JobRecord['requester'],
  runtime: row.runtime,
  ratePerSecondWei: BigInt(row.rate_wei),
  hiredAt: row.hired_at,
  containerId: row.container_id ?? undefined,
  markerNonce: row.marker_nonce ?? undefined,
  manifest: row.manifest ?? undefined,
  startedAt: row.started_at ?? undefined,
  endedAt: row.ended_at ?? undefined,
  runSeconds: row.run_seconds ?? undefined,
  earnedWei: row.earned_wei === null ? undefined : BigInt(row.earned_wei),
  reason: row.reason ?? undefined,
});

const ENDED_SQL = ENDED_STATES.map((s) => `'${s}'`).join(',');

/**
 * The daemon's memory across restarts (node:sqlite, WAL): the jobs it was hired for and how
 * each went, the offers it gave out and still holds capacity for, and how far it has read the
 * chain. Every write is one statement (or one transaction), so a `kill -9` leaves it as of the
 * last write: that is what recovery reads back.
 */
export class ProviderStore implements JobLedger, QuoteBook, ChainCursor, ServedJobs {
  private constructor(private readonly db: DatabaseSync) {}

  /** Opens (creating or migrating) `<stateDir>/provider.db`. */
  static open(stateDir: string): ProviderStore {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const path = join(stateDir, DB_FILE);
    let db: DatabaseSync | undefined;
    try {
      db = openSqlite(path);
      // WAL: a write is one append, readers never block the writer, a crash loses no commit.
      db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;',
      );
      const store = new ProviderStore(migrate(db));
      store.pruneQuotes(Math.floor(Date.now() / 1000) - CLOSED_QUOTES_KEPT_SEC);
      return store;
    } catch (error) {
      db?.close();
      if (error instanceof OrangeError) throw error;
      throw new OrangeError('STATE_DB_UNUSABLE', `The provider database ${path} cannot be used.`, {
        hint: 'Check the state directory is writable; a corrupt database can be moved aside (jobs in flight are then failed at start).',
        cause: error,
      });
    }
  }

  /** A store that lives in memory only (tests). */
  static inMemory(): ProviderStore {
    return new ProviderStore(migrate(openSqlite(':memory:')));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  // --- jobs --------------------------------------------------------------------------------

  hired(job: {
    jobId: bigint;
    offerNonce: bigint;
    requester: string;
    runtime: string;
    ratePerSecondWei: bigint;
    hiredAt: number;
  }): void {
    this.db
      .prepare(
        `INSERT INTO jobs (job_id, offer_nonce, state, requester, runtime, rate_wei, hired_at)
         VALUES (?, ?, 'hired', ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING`,
      )
      .run(
        job.jobId.toString(),
        job.offerNonce.toString(),
        job.requester.toLowerCase(),
        job.runtime,
        job.ratePerSecondWei.toString(),
        job.hiredAt,
      );
  }

  manifestFetched(jobId: bigint, manifest: Uint8Array): void {
    this.db
      .prepare(`UPDATE jobs SET manifest = ? WHERE job_id = ? AND state NOT IN (${ENDED_SQL})`)
      .run(manifest, jobId.toString());
  }

  containerCreated(jobId: bigint, containerId: string, markerNonce: string, at: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'running', container_id = ?, marker_nonce = ?, started_at = ?
         WHERE job_id = ? AND state NOT IN (${ENDED_SQL})`,
      )
      .run(containerId, markerNonce, at, jobId.toString());
  }

  ended(jobId: bigint, end: JobEnd): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, ended_at = ?, run_seconds = ?, earned_wei = ?, reason = ?
         WHERE job_id = ? AND state NOT IN (${ENDED_SQL})`,
      )
      .run(
        end.state,
        end.endedAt,
        end.runSeconds,
        end.earnedWei.toString(),
        end.reason ?? null,
        jobId.toString(),
      );
  }

  /** What an ended job earned, as the payment flow really paid it (the market's PaymentStopped). */
  earned(jobId: bigint, earnedWei: bigint): void {
    this.db
      .prepare(`UPDATE jobs SET earned_wei = ? WHERE job_id = ? AND state IN (${ENDED_SQL})`)
      .run(earnedWei.toString(), jobId.toString());
  }

  job(jobId: bigint): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE job_id = ?').get(jobId.toString());
    return row ? fromRow(row as unknown as JobRow) : undefined;
  }

  unfinished(): JobRecord[] {
    const rows = this.db.prepare(`SELECT * FROM jobs WHERE state NOT IN (${ENDED_SQL})`).all();
    return (rows as unknown as JobRow[]).map(fromRow);
  }

  recent(limit: number): ServedJob[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE state IN (${ENDED_SQL}) ORDER BY ended_at DESC, rowid DESC LIMIT ?`,
      )
      .all(limit) as unknown as JobRow[];
    return rows.map((row) => ({
      jobId: row.job_id,
      state: row.state as EndedState,
      endedAt: row.ended_at ?? 0,
      runSeconds: row.run_seconds ?? 0,
      earnedWei: row.earned_wei ?? '0',
    }));
  }

  counts(): Record<EndedState, number> {
    const counts = Object.fromEntries(ENDED_STATES.map((s) => [s, 0])) as Record<
      EndedState,
      number
    >;
    const rows = this.db
      .prepare(`SELECT state, COUNT(*) AS n FROM jobs WHERE state IN (${ENDED_SQL}) GROUP BY state`)
      .all() as { state: EndedState; n: number }[];
    for (const { state, n } of rows) counts[state] = n;
    return counts;
  }

  // --- quotes ------------------------------------------------------------------------------

  issued(quote: QuoteRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO quotes (nonce, expires_at, cores, memory_mb, state)
         VALUES (?, ?, ?, ?, 'reserved')`,
      )
      .run(quote.nonce.toString(), quote.expiresAt, quote.cores, quote.memoryMb);
  }

  quoteHired(nonce: bigint, jobId: bigint): void {
    this.db
      .prepare(`UPDATE quotes SET state = 'hired', job_id = ? WHERE nonce = ?`)
      .run(jobId.toString(), nonce.toString());
  }

  quoteClosed(nonce: bigint): void {
    this.db
      .prepare(`UPDATE quotes SET state = 'closed' WHERE nonce = ? AND state = 'reserved'`)
      .run(nonce.toString());
  }

  /** Offers given out and neither hired nor closed, expired at or after `sinceSec`. */
  reserved(sinceSec: number): QuoteRecord[] {
    const rows = this.db
      .prepare(
        `SELECT nonce, expires_at, cores, memory_mb FROM quotes
         WHERE state = 'reserved' AND expires_at >= ? ORDER BY expires_at`,
      )
      .all(sinceSec) as { nonce: string; expires_at: number; cores: number; memory_mb: number }[];
    return rows.map((r) => ({
      nonce: BigInt(r.nonce),
      expiresAt: r.expires_at,
      cores: r.cores,
      memoryMb: r.memory_mb,
    }));
  }

  /** Forgets offers that expired before `beforeSec` (the table stays small). */
  pruneQuotes(beforeSec: number): number {
    return Number(
      this.db.prepare('DELETE FROM quotes WHERE expires_at < ?').run(beforeSec).changes,
    );
  }

  // --- chain cursor ------------------------------------------------------------------------

  cursor(): bigint | undefined {
    const row = this.db.prepare('SELECT block FROM chain_cursor WHERE id = 1').get() as
      { block: string } | undefined;
    return row ? BigInt(row.block) : undefined;
  }

  advance(block: bigint): void {
    this.db
      .prepare(
        `INSERT INTO chain_cursor (id, block) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET block = excluded.block`,
      )
      .run(block.toString());
  }
}

function migrate(db: DatabaseSync): DatabaseSync {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as
    { version: number } | undefined;
  const version = row?.version ?? 0;
  if (version > SCHEMA_VERSION) {
    throw new OrangeError(
      'STATE_DB_UNUSABLE',
      `The provider database is of a newer daemon (schema ${version}; this one knows ${SCHEMA_VERSION}).`,
      { hint: 'Run the newer orange-provider, or point stateDir at another directory.' },
    );
  }
  if (version === SCHEMA_VERSION) return db;
  db.exec('BEGIN');
  try {
    if (version < 1) db.exec(SCHEMA);
    db.exec('DELETE FROM schema_version');
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  return db;
}
