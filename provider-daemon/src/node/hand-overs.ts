import type { Address } from 'viem';
import {
  MAX_MANIFEST_BYTES,
  MAX_PAYLOAD_BYTES,
  bytesHaveCid,
  normalCid,
  parseManifest,
  type ContentStore,
  type JobView,
} from '@orange-cloud/sdk';
import type { MarketEvents } from './components.js';

/** What the intake needs: the market as its events tell it, and where content is kept. */
export interface HandOverComponents {
  index: Pick<MarketEvents, 'jobs'>;
  store: Pick<ContentStore, 'put'>;
  /** This provider: only its own hires are handed over here. */
  provider: Address;
}

export interface HandOverInit {
  /** The largest payload taken (default MAX_PAYLOAD_BYTES): the daemon's own fetch limit. */
  maxPayloadBytes?: number | undefined;
}

/** Why a push is refused: the HTTP status it is answered with and a message for the sender. */
export interface HandOverRefusal {
  kind: 'refused';
  status: 403 | 404 | 409 | 413 | 422;
  message: string;
}

/** What to do with a push before its body is read. */
export type HandOverAdmission =
  /** Read at most `maxBytes` of the body, then `accept` it. */
  | { kind: 'read'; maxBytes: number }
  /** Nothing to read: the provider already holds this content (stored, or the job started). */
  | { kind: 'held' }
  | HandOverRefusal;

/** A hired job's content as handed over so far. */
interface JobHandOver {
  /** CIDs (normalCid) stored from pushes. */
  stored: Set<string>;
  /** What the stored manifest names as the payload. */
  payload?: { cid: string; bytes: number };
}

/**
 * Takes a hired job's content from whoever pushes it (content-hand-over.ts in the SDK) and keeps
 * only bytes that import to a CID the hire names: the job's manifest (its CID is on chain), then
 * the payload that manifest names. Only for a job hired to this provider and not started yet;
 * bodies are bounded (manifest MAX_MANIFEST_BYTES, payload the size its manifest declares, at
 * most the daemon's fetch limit). Nothing else is kept: a body that does not match is dropped.
 * `whenStored` tells the job's own fetch (hand-over-store.ts) that its content is here.
 */
export class HandOverIntake {
  private readonly jobs = new Map<bigint, JobHandOver>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly maxPayloadBytes: number;

  constructor(
    private readonly c: HandOverComponents,
    init: HandOverInit = {},
  ) {
    this.maxPayloadBytes = init.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  }

  /** Whether a push of `cid` for `jobId` is read, answered at once, or refused. */
  admit(jobId: bigint, cid: string): HandOverAdmission {
    this.forgetStarted();
    const job = this.c.index.jobs.get(jobId);
    const refusal = jobRefusal(job, jobId, this.c.provider);
    if (refusal) return refusal;
    // Started or over: it fetched its content to start (an ended job needs none).
    if (job!.status === 'running' || job!.status === 'completed') return { kind: 'held' };
    const wanted = normalCid(cid);
    const known = this.jobs.get(jobId);
    if (wanted !== undefined && known?.stored.has(wanted)) return { kind: 'held' };
    if (wanted !== undefined && wanted === normalCid(job!.manifestCid))
      return { kind: 'read', maxBytes: MAX_MANIFEST_BYTES };
    if (!known?.payload)
      return refused(409, `Hand over job ${jobId}'s manifest first; ${cid} is not its manifest.`);
    if (wanted !== known.payload.cid) return refused(422, `${cid} is not content of job ${jobId}.`);
    if (known.payload.bytes > this.maxPayloadBytes)
      return refused(413, `Job ${jobId}'s payload is larger than this provider fetches.`);
    return { kind: 'read', maxBytes: known.payload.bytes };
  }

  /**
   * Keeps `bytes` as `cid` of `jobId` if they import to that CID and the push is still
   * admitted (the job may have moved on while the body arrived); otherwise stores nothing.
   */
  async accept(
    jobId: bigint,
    cid: string,
    bytes: Uint8Array,
  ): Promise<{ kind: 'stored' | 'held' } | HandOverRefusal> {
    const admission = this.admit(jobId, cid);
    if (admission.kind !== 'read') return admission;
    if (bytes.length > admission.maxBytes)
      return refused(413, `${cid} is larger than job ${jobId} allows.`);
    if (!(await bytesHaveCid(bytes, cid)))
      return refused(422, `The bytes sent do not hash to ${cid}; nothing was stored.`);
    const wanted = normalCid(cid)!;
    const job = this.c.index.jobs.get(jobId)!;
    const record = this.jobs.get(jobId) ?? { stored: new Set<string>() };
    if (wanted === normalCid(job.manifestCid)) {
      let payload;
      try {
        payload = parseManifest(bytes).payload;
      } catch {
        // The hire names it, so its requester posted it: the job fails when it is fetched.
        return refused(422, `Job ${jobId}'s manifest is not a valid manifest; nothing was stored.`);
      }
      const payloadCid = normalCid(payload.cid);
      if (payloadCid === undefined)
        return refused(422, `Job ${jobId}'s manifest names no valid payload CID.`);
      record.payload = { cid: payloadCid, bytes: payload.bytes };
    }
    const stored = normalCid(await this.c.store.put(bytes));
    if (stored !== wanted) throw new Error(`the store kept ${cid} as ${stored}`);
    record.stored.add(wanted);
    this.jobs.set(jobId, record);
    this.tell(wanted);
    return { kind: 'stored' };
  }

  /**
   * Resolves once a push of `cid` is stored (at once when one already was), or when `signal`
   * aborts: the caller checks which.
   */
  whenStored(cid: string, signal: AbortSignal): Promise<void> {
    const wanted = normalCid(cid);
    if (wanted === undefined || signal.aborted) return Promise.resolve();
    for (const known of this.jobs.values()) if (known.stored.has(wanted)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.waiters.get(wanted) ?? new Set();
      this.waiters.set(wanted, waiting);
      const done = () => {
        waiting.delete(done);
        if (waiting.size === 0) this.waiters.delete(wanted);
        signal.removeEventListener('abort', done);
        resolve();
      };
      waiting.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private tell(cid: string): void {
    for (const done of [...(this.waiters.get(cid) ?? [])]) done();
  }

  /** Records of jobs that started or ended: their content was fetched, nobody waits for it. */
  private forgetStarted(): void {
    for (const jobId of this.jobs.keys())
      if (this.c.index.jobs.get(jobId)?.status !== 'accepted') this.jobs.delete(jobId);
  }
}

/** Why nothing of `jobId` is taken here at all: unknown, or not this provider's. */
function jobRefusal(
  job: JobView | undefined,
  jobId: bigint,
  provider: Address,
): HandOverRefusal | undefined {
  if (!job) return refused(404, `Job ${jobId} is unknown here (yet).`);
  if (job.provider?.toLowerCase() !== provider.toLowerCase())
    return refused(403, `Job ${jobId} is not hired to this provider.`);
  if (!['accepted', 'running', 'completed'].includes(job.status))
    return refused(409, `Job ${jobId} is ${job.status}: nothing to hand over.`);
  return undefined;
}

function refused(status: HandOverRefusal['status'], message: string): HandOverRefusal {
  return { kind: 'refused', status, message };
}
