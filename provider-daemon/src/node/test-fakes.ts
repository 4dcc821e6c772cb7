import { createHash, randomBytes } from 'node:crypto';
import { bytesToHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  OrangeError,
  buildManifest,
  encodeManifest,
  grantKeyFrag,
  jobKeys,
  newJobKeyLabel,
  openAsRequester,
  openSignedResult,
  packPayload,
  scriptPayload,
  parseSealedResult,
  providerKeys,
  publicKeyToHex,
  sealPayload,
  type ContentStore,
  type FetchLimits,
  type JobKeys,
  type JobResult,
  type JobView,
  type ManifestBinding,
  type MarketEvent,
  type PaymentTerms,
  type ProviderKeys,
  type ProviderView,
  type ResultSigner,
} from '@orange-cloud/sdk';
import type { JobContainer, ResumeSpec, RunOutcome, RunSpec, Sandbox } from '../sandbox/types.js';
import type { Logger } from '../logger.js';
import type { NodeQuoteDesk } from '../provider-node.js';
import type { Hire } from './quote-desk.js';
import type { Resources } from './capacity-ledger.js';
import type {
  LiveOutput,
  MarketEvents,
  NextBlock,
  PairFlow,
  PaymentRail,
  ProviderMarket,
} from './components.js';

/**
 * Small recording fakes of the node's components, for unit tests of its logic: no chain, no
 * Docker, no IPFS. The protocol itself (sealing, grants, results) stays the SDK's real code.
 */

export const PROVIDER: Address = '0x00000000000000000000000000000000000000a1';
/** The requester signs its manifests: a real key. */
export const requesterAccount = privateKeyToAccount(generatePrivateKey());
export const REQUESTER: Address = requesterAccount.address;
export const CHAIN_ID = 31337;
/** The provider's EVM key, chain and market its results are signed and bound with. */
export const RESULT_SIGNER: ResultSigner = {
  account: privateKeyToAccount(`0x${'a1'.repeat(32)}`),
  chainId: 31337,
  market: '0x00000000000000000000000000000000000000c3',
};
export const TERMS: PaymentTerms = {
  market: '0x00000000000000000000000000000000000000c3',
  cfaV1Forwarder: '0x00000000000000000000000000000000000000d4',
  superToken: '0x00000000000000000000000000000000000000e5',
  symbol: 'TST',
  decimals: 18,
  graceSec: 30,
};

type Methods = Omit<ProviderMarket, 'account' | 'address' | 'connection'>;
export type MarketCall = {
  [K in keyof Methods]: { method: K; args: Parameters<Methods[K]> };
}[keyof Methods];

/** The market: records every call; `behave` overrides what a method does (default: succeeds). */
export class FakeMarket implements ProviderMarket {
  readonly account = { address: PROVIDER };
  readonly address = TERMS.market;
  readonly connection = { chainId: CHAIN_ID };
  readonly calls: MarketCall[] = [];
  readonly behave: {
    [K in keyof Methods]?: (...args: Parameters<Methods[K]>) => Promise<unknown>;
  } = {};

  registerProvider(...args: Parameters<Methods['registerProvider']>) {
    return this.record(
      { method: 'registerProvider', args },
      this.behave.registerProvider?.(...args),
    );
  }
  bondOf(...args: Parameters<Methods['bondOf']>): Promise<{ free: bigint; locked: bigint }> {
    const reply = this.behave.bondOf?.(...args) ?? Promise.resolve({ free: 0n, locked: 0n });
    return this.record({ method: 'bondOf', args }, reply) as Promise<{
      free: bigint;
      locked: bigint;
    }>;
  }
  depositBond(...args: Parameters<Methods['depositBond']>) {
    return this.record({ method: 'depositBond', args }, this.behave.depositBond?.(...args));
  }
  startJob(...args: Parameters<Methods['startJob']>) {
    return this.record({ method: 'startJob', args }, this.behave.startJob?.(...args));
  }
  completeJob(...args: Parameters<Methods['completeJob']>) {
    return this.record({ method: 'completeJob', args }, this.behave.completeJob?.(...args));
  }
  failJob(...args: Parameters<Methods['failJob']>) {
    return this.record({ method: 'failJob', args }, this.behave.failJob?.(...args));
  }
  expireJob(...args: Parameters<Methods['expireJob']>) {
    return this.record({ method: 'expireJob', args }, this.behave.expireJob?.(...args));
  }
  paymentTerms(): Promise<PaymentTerms> {
    const reply = this.behave.paymentTerms?.() ?? Promise.resolve(TERMS);
    return this.record({ method: 'paymentTerms', args: [] }, reply) as Promise<PaymentTerms>;
  }

  /** The names of the calls made, in order (paymentTerms and bondOf left out: they only read). */
  sent(): string[] {
    return this.calls.map((c) => c.method).filter((m) => m !== 'paymentTerms' && m !== 'bondOf');
  }

  /** The arguments of every call to `method`. */
  argsOf<K extends keyof Methods>(method: K): Parameters<Methods[K]>[] {
    return this.calls
      .filter((c) => c.method === method)
      .map((c) => c.args as Parameters<Methods[K]>);
  }

  /** Resolves once `method` has been called. */
  called(method: keyof Methods): Promise<void> {
    return until(() => this.calls.some((c) => c.method === method));
  }

  private record(call: MarketCall, reply: Promise<unknown> | undefined): Promise<unknown> {
    this.calls.push(call);
    return reply ?? Promise.resolve(undefined);
  }
}

/** The market's events: maps the test edits, and events it emits by hand. */
export class FakeEvents implements MarketEvents {
  readonly jobs = new Map<bigint, JobView>();
  readonly providers = new Map<Address, ProviderView>();
  readonly counts = { start: 0, stop: 0, sync: 0 };
  syncedBlock = 1n;
  private readonly listeners = new Set<(event: MarketEvent) => void>();

  onEvent(listener: (event: MarketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async start(): Promise<void> {
    this.counts.start++;
  }
  async stop(): Promise<void> {
    this.counts.stop++;
  }
  async sync(): Promise<void> {
    this.counts.sync++;
  }

  /** Changes a job as the named event would, then tells the listeners. */
  emit<N extends MarketEvent['eventName']>(
    eventName: N,
    args: Extract<MarketEvent, { eventName: N }>['args'],
    change: Partial<JobView> = {},
  ): void {
    const jobId = (args as { jobId?: bigint }).jobId;
    const job = jobId === undefined ? undefined : this.jobs.get(jobId);
    if (job) this.jobs.set(job.jobId, { ...job, ...change });
    // A log's position fields mean nothing to the node: only its name and arguments are read.
    const event = { eventName, args } as unknown as MarketEvent;
    for (const listener of this.listeners) listener(event);
  }
}

/** A job hired from this provider with its offer 1, to start within a minute (no grant yet). */
export function hiredJob(jobId: bigint, overrides: Partial<JobView> = {}): JobView {
  return {
    jobId,
    requester: REQUESTER,
    provider: PROVIDER,
    offerNonce: 1n,
    name: 'job',
    runtime: 'python3',
    cores: 1,
    memoryMb: 256,
    timeoutSec: 10,
    pricePerCoreSecond: 1n,
    manifestCid: 'bafkqaaa',
    status: 'accepted',
    deadline: Math.floor(Date.now() / 1000) + 60,
    postedBlock: 1n,
    kfrag: '0x',
    startedAt: undefined,
    resultCid: undefined,
    exitCode: undefined,
    flags: undefined,
    runSeconds: undefined,
    failureReason: undefined,
    payment: undefined,
    ...overrides,
  };
}

/** IPFS in memory: content addressed (CIDv1, raw, sha-256), fetches bounded like the real ones. */
export class MemoryStore implements ContentStore {
  readonly blocks = new Map<string, Uint8Array>();

  async put(bytes: Uint8Array): Promise<string> {
    const digest = createHash('sha256').update(bytes).digest();
    const cid = 'b' + base32([0x01, 0x55, 0x12, 0x20, ...digest]);
    this.blocks.set(cid, bytes);
    return cid;
  }
  async get(cid: string, limits: FetchLimits): Promise<Uint8Array> {
    limits.signal?.throwIfAborted();
    const bytes = this.blocks.get(cid);
    if (!bytes) throw new OrangeError('CONTENT_TIMEOUT', `Content ${cid} could not be found.`);
    return bytes;
  }
  addresses(): string[] {
    return ['/ip4/127.0.0.1/tcp/4011'];
  }
  async connect(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Opens a result this provider published, as its requester would (signature and binding checked). */
  result(cid: string, keys: JobKeys, jobId = 1n): Promise<JobResult> {
    return openSignedResult(openAsRequester(keys, parseSealedResult(this.blocks.get(cid)!)), {
      binding: { chainId: RESULT_SIGNER.chainId, market: RESULT_SIGNER.market, jobId: `${jobId}` },
      provider: RESULT_SIGNER.account.address,
    });
  }
}

function base32(bytes: number[]): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

/** A job sealed by its requester for real: what the provider needs to run it, and to check it. */
export interface SealedTestJob {
  view: JobView;
  /** The requester's grant for the offer's per-job key (providerTestKeys). */
  kfrag: Hex;
  /** The requester's job keys: open the published result with them. */
  requesterKeys: JobKeys;
}

export const providerTestKeys: ProviderKeys = providerKeys(randomBytes(32));

/**
 * Seals `source` as main.py and puts manifest and payload in `store`; the manifest is signed by
 * the requester and bound to the job's hire (`binding` spoils it).
 */
export async function sealJob(
  store: MemoryStore,
  view: JobView,
  source = 'print("hi")\n',
  binding: Partial<ManifestBinding> = {},
): Promise<SealedTestJob> {
  const label = newJobKeyLabel();
  const keys = jobKeys(randomBytes(32), label);
  const fileName = 'main.py';
  const sealed = sealPayload(
    await packPayload(scriptPayload({ fileName, bytes: new TextEncoder().encode(source) })),
    keys,
  );
  const manifest = await buildManifest(requesterAccount, {
    runtime: view.runtime,
    entrypoint: fileName,
    payload: {
      cid: await store.put(sealed.ciphertext),
      capsule: sealed.capsule,
      bytes: sealed.ciphertext.length,
    },
    keys: {
      label,
      delegatingPublicKey: publicKeyToHex(keys.publicKey),
      verifyingPublicKey: publicKeyToHex(keys.verifyingKey),
    },
    requester: view.requester,
    limits: { cores: view.cores, memoryMb: view.memoryMb, timeoutSec: view.timeoutSec },
    binding: {
      chainId: CHAIN_ID,
      market: TERMS.market,
      provider: view.provider,
      offerNonce: view.offerNonce,
      ...binding,
    },
  });
  return {
    view: { ...view, manifestCid: await store.put(encodeManifest(manifest)) },
    kfrag: bytesToHex(grantKeyFrag(keys, providerTestKeys.publicKey)),
    requesterKeys: keys,
  };
}

/**
 * The quote desk: holds every offer (its key is providerTestKeys), the job's cores and memory
 * held from the hire to the job's end; `missing` offers it holds no key for.
 */
export class FakeDesk implements NodeQuoteDesk {
  readonly held = new Map<bigint, bigint>();
  readonly ended: bigint[] = [];
  readonly missing = new Set<bigint>();
  resumed = false;
  closed = false;
  /** Why it was last paused. */
  pausedFor: string | undefined;
  constructor(private readonly events: FakeEvents) {}

  usage(): Resources {
    let cores = 0;
    let memoryMb = 0;
    for (const jobId of this.held.values()) {
      const job = this.events.jobs.get(jobId);
      cores += job?.cores ?? 0;
      memoryMb += job?.memoryMb ?? 0;
    }
    return { cores, memoryMb };
  }
  async hired(nonce: bigint, jobId: bigint): Promise<Hire> {
    if (this.missing.has(nonce)) return { outcome: 'late', key: undefined };
    this.held.set(nonce, jobId);
    return { outcome: 'bound', key: { nonce, ...providerTestKeys, jobPublicKey: '0x' } };
  }
  async jobEnded(_jobId: bigint, nonce: bigint): Promise<void> {
    this.held.delete(nonce);
    this.ended.push(nonce);
  }
  pause(reason?: string): void {
    this.pausedFor = reason;
  }
  resume(): void {
    this.resumed = true;
  }
  close(): void {
    this.closed = true;
  }
  startSweeping(): void {}
  async eraseStaleKeys(): Promise<bigint[]> {
    return [];
  }
}

/** The sandbox: records every spec; `behave` decides the outcome (default: prints and exits 0). */
export class FakeSandbox implements Sandbox {
  readonly specs: RunSpec[] = [];
  checkError: Error | undefined;
  behave: (spec: RunSpec) => Promise<RunOutcome> = async () => outcome({ stdout: 'hi\n' });

  /** Containers the fake engine holds (an earlier run's, for recovery). */
  readonly listed: JobContainer[] = [];
  readonly resumed: ResumeSpec[] = [];
  readonly removedIds: string[] = [];
  behaveResume: (spec: ResumeSpec) => Promise<RunOutcome> = async () =>
    outcome({ stdout: 'resumed\n' });

  run(spec: RunSpec): Promise<RunOutcome> {
    this.specs.push(spec);
    spec.onStarted?.({ containerId: `container-${spec.jobId}`, markerNonce: 'ab'.repeat(16) });
    return this.behave(spec);
  }
  resume(spec: ResumeSpec): Promise<RunOutcome> {
    this.resumed.push(spec);
    return this.behaveResume(spec);
  }
  async containers(): Promise<JobContainer[]> {
    return [...this.listed];
  }
  async remove(containerId: string): Promise<void> {
    this.removedIds.push(containerId);
  }
  async check(): Promise<void> {
    if (this.checkError) throw this.checkError;
  }
  /** Images the fake engine holds. */
  images = new Set(['orange-cloud/python:3']);
  async hasImage(image: string): Promise<boolean> {
    return this.images.has(image);
  }
}

/** A run that prints `stdout` and then runs until its signal aborts it, like a long job. */
export function runUntilAborted(stdout = 'so far\n') {
  return (spec: RunSpec): Promise<RunOutcome> => {
    spec.onOutput?.({ stream: 'stdout', data: new TextEncoder().encode(stdout) });
    return new Promise((resolve) =>
      spec.signal!.addEventListener('abort', () => resolve(outcome({ stdout, aborted: true }))),
    );
  };
}

export function outcome(
  o: Partial<Omit<RunOutcome, 'stdout' | 'stderr'>> & { stdout?: string; stderr?: string } = {},
): RunOutcome {
  const startedAt = new Date(1_000);
  return {
    exitCode: 0,
    outputTruncated: false,
    timedOut: false,
    outOfMemory: false,
    aborted: false,
    startedAt,
    endedAt: new Date(2_000),
    durationMs: 1_000,
    ...o,
    stdout: new TextEncoder().encode(o.stdout ?? ''),
    stderr: new TextEncoder().encode(o.stderr ?? ''),
  };
}

/** Live streams: records what each job's stream was told. */
export class FakeLive implements LiveOutput {
  readonly calls: {
    call: 'begin' | 'output' | 'checkpoint' | 'end';
    jobId: bigint;
    detail?: unknown;
  }[] = [];
  begin(jobId: bigint): void {
    this.calls.push({ call: 'begin', jobId });
  }
  output(jobId: bigint, stream: string, data: Uint8Array): void {
    this.calls.push({
      call: 'output',
      jobId,
      detail: `${stream}:${new TextDecoder().decode(data)}`,
    });
  }
  checkpoint(jobId: bigint, cid: string): void {
    this.calls.push({ call: 'checkpoint', jobId, detail: cid });
  }
  async end(jobId: bigint, exitCode: number | null): Promise<void> {
    this.calls.push({ call: 'end', jobId, detail: exitCode });
  }
}

/** The payment rail: every pair flows at `flow` at every block; records the pairs read. */
export class FakeRail implements PaymentRail {
  flow: PairFlow = { flowRate: 10n, bookedRate: 10n, blockNumber: 1n };
  readonly reads: { requester: Address; provider: Address }[] = [];

  async readPairFlow(
    _terms: PaymentTerms,
    requester: Address,
    provider: Address,
    next?: NextBlock,
  ): Promise<PairFlow> {
    this.reads.push({ requester, provider });
    return next ? { ...this.flow, blockNumber: next.after + 1n } : this.flow;
  }
}

/** A logger that keeps its lines: `message field=value …`. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(
      `${level} ${message} ${JSON.stringify(fields ?? {}, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
    );
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Waits until `condition` holds (checked every few ms), or fails after `ms`. */
export async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
