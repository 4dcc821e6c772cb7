import type { LocalAccount } from 'viem';
import {
  StreamSealer,
  publicKeyFromHex,
  signLiveEvent,
  type LiveEvent,
  type LiveEventBody,
  type LiveScope,
  type OutputStream,
} from '@orange-cloud/sdk';

/** One job's signed, encrypted events and who is listening. */
class JobStream {
  readonly events: LiveEvent[] = [];
  readonly listeners = new Set<(event: LiveEvent) => void>();
  /** Closes each waiting connection (used when a job ends before its stream began). */
  readonly closers = new Set<() => void>();
  ended = false;
  /** Id of the next event: ids are assigned at once, signatures come later. */
  nextId = 0;
  /** Events are signed asynchronously; this chain keeps them in order. */
  tail: Promise<void> = Promise.resolve();
}

/**
 * Live output of the jobs this provider runs, kept until a while after each
 * job ends so a client that dropped can resume. After that a client is told
 * to take the stored result from IPFS.
 */
export class LiveStreams {
  private readonly streams = new Map<string, JobStream>();
  private readonly sealers = new Map<string, StreamSealer>();
  private readonly account: LocalAccount;
  /** The chain and market every event's signature is bound to. */
  private readonly scope: LiveScope;
  private readonly retainMs: number;

  constructor(account: LocalAccount, scope: LiveScope, retainMs = 5 * 60_000) {
    this.account = account;
    this.scope = scope;
    this.retainMs = retainMs;
  }

  /** Opens a job's stream: the first event carries the chunk key sealed to the requester. */
  begin(jobId: bigint, requesterJobPublicKey: ReturnType<typeof publicKeyFromHex>): void {
    const id = jobId.toString();
    const sealer = new StreamSealer(id, requesterJobPublicKey);
    this.sealers.set(id, sealer);
    // A requester may already be waiting: keep its subscription.
    if (!this.streams.has(id)) this.streams.set(id, new JobStream());
    this.append(id, (seq) => ({
      type: 'key',
      jobId: id,
      id: seq,
      capsule: Buffer.from(sealer.header.capsule).toString('base64'),
      ciphertext: Buffer.from(sealer.header.ciphertext).toString('base64'),
    }));
  }

  output(jobId: bigint, stream: OutputStream, data: Uint8Array): void {
    const id = jobId.toString();
    const job = this.streams.get(id);
    const sealer = this.sealers.get(id);
    if (!job || !sealer || job.ended) return;
    this.append(id, (seq) => ({
      type: 'output',
      jobId: id,
      id: seq,
      stream,
      data: Buffer.from(sealer.seal(seq, stream, data)).toString('base64'),
    }));
  }

  /** Announces a checkpoint: the sealed output so far, stored on IPFS under `cid`. */
  checkpoint(jobId: bigint, cid: string): void {
    const id = jobId.toString();
    const job = this.streams.get(id);
    if (!job || job.ended || !this.sealers.has(id)) return;
    this.append(id, (seq) => ({ type: 'checkpoint', jobId: id, id: seq, cid }));
  }

  /** Closes a job's stream; resolves once every event is signed and sent. */
  async end(jobId: bigint, exitCode: number | null): Promise<void> {
    const id = jobId.toString();
    const job = this.streams.get(id);
    if (!job || job.ended) return;
    if (!this.sealers.has(id)) {
      // The job ended before it ran: waiting clients are sent away to the chain and IPFS.
      this.streams.delete(id);
      for (const close of job.closers) close();
      return;
    }
    this.append(id, (seq) => ({ type: 'end', jobId: id, id: seq, exitCode }));
    job.ended = true;
    this.sealers.delete(id);
    await job.tail;
    setTimeout(() => this.streams.delete(id), this.retainMs).unref();
  }

  /** The provider whose signatures the events carry. */
  get provider(): string {
    return this.account.address;
  }

  has(jobId: string): boolean {
    return this.streams.has(jobId);
  }

  /**
   * Replays the key event and every event after `afterId`, then follows
   * live. Returns an unsubscribe function, called when the client leaves.
   */
  subscribe(
    jobId: string,
    afterId: number,
    send: (event: LiveEvent) => void,
    close: () => void,
  ): () => void {
    let job = this.streams.get(jobId);
    if (!job) {
      // The run has not begun yet: wait for it.
      job = new JobStream();
      this.streams.set(jobId, job);
    }
    const stream = job;
    const deliver = (event: LiveEvent) => {
      send(event);
      if (event.type === 'end') close();
    };
    for (const event of stream.events) if (event.id === 0 || event.id > afterId) deliver(event);
    if (stream.events.at(-1)?.type === 'end') return () => {};
    stream.listeners.add(deliver);
    stream.closers.add(close);
    return () => {
      stream.listeners.delete(deliver);
      stream.closers.delete(close);
    };
  }

  private append(id: string, build: (seq: number) => LiveEventBody): void {
    const job = this.streams.get(id)!;
    const body = build(job.nextId++);
    job.tail = job.tail.then(async () => {
      const event = await signLiveEvent(this.account, this.scope, body);
      job.events.push(event);
      for (const listener of job.listeners) listener(event);
    });
  }
}
