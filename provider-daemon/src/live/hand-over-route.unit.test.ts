import assert from 'node:assert/strict';
import { privateKeyToAccount } from 'viem/accounts';
import {
  MAX_MANIFEST_BYTES,
  handOverJobContent,
  handOverPath,
  type JobView,
  type MarketIndex,
} from '@orange-cloud/sdk';
import { startLiveServer, type LiveServer } from './live-server.js';
import { LiveStreams } from './live-streams.js';
import { HandOverIntake } from '../node/hand-overs.js';
import { MemoryStore, PROVIDER, hiredJob, sealJob } from '../node/test-fakes.js';
import type { RateLimitInit } from '../node/client-rate-limit.js';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const streamsKey = privateKeyToAccount(`0x${'a1'.repeat(32)}`);
const OTHER_PROVIDER = '0x00000000000000000000000000000000000000b2';

/** One hired job's content as its requester holds it. */
interface JobContent {
  manifestCid: string;
  manifest: Uint8Array;
  payloadCid: string;
  payload: Uint8Array;
}

describe('the hand-over route (real HTTP, index faked, content in memory)', () => {
  let server: LiveServer;
  let jobs: Map<bigint, JobView>;
  /** The provider's own store: what the hand-over keeps. */
  let kept: MemoryStore;
  let intake: HandOverIntake;

  /** Job `jobId` sealed for real (in a requester's store), hired as `overrides` say. */
  const hire = async (jobId: bigint, overrides: Partial<JobView> = {}): Promise<JobContent> => {
    const requesterStore = new MemoryStore();
    const sealed = await sealJob(requesterStore, hiredJob(jobId, overrides));
    jobs.set(jobId, sealed.view);
    const manifest = requesterStore.blocks.get(sealed.view.manifestCid)!;
    const payloadCid = [...requesterStore.blocks.keys()].find(
      (cid) => cid !== sealed.view.manifestCid,
    )!;
    return {
      manifestCid: sealed.view.manifestCid,
      manifest,
      payloadCid,
      payload: requesterStore.blocks.get(payloadCid)!,
    };
  };

  const start = async (handOverRate?: RateLimitInit, takesHandOvers = true) => {
    jobs = new Map();
    kept = new MemoryStore();
    intake = new HandOverIntake({ index: { jobs }, store: kept, provider: PROVIDER });
    server = await startLiveServer({
      streams: new LiveStreams(streamsKey, { chainId: 31337, market: MARKET }),
      index: { jobs } as unknown as MarketIndex,
      chainId: 31337,
      market: MARKET,
      host: '127.0.0.1',
      port: 0,
      ...(takesHandOvers ? { handOvers: intake } : {}),
      ...(handOverRate ? { handOverRate } : {}),
    });
  };
  afterEach(() => server.close());

  const push = async (
    jobId: bigint,
    cid: string,
    body: Uint8Array,
    init: { method?: string; type?: string } = {},
  ) => {
    const response = await fetch(`${server.url}${handOverPath(jobId, cid)}`, {
      method: init.method ?? 'PUT',
      headers: { 'content-type': init.type ?? 'application/octet-stream' },
      body,
    });
    return { status: response.status, text: await response.text() };
  };

  it('keeps a job’s manifest and then its payload, and says it holds them when pushed again', async () => {
    await start();
    const job = await hire(1n);
    assert.equal((await push(1n, job.manifestCid, job.manifest)).status, 201);
    assert.equal((await push(1n, job.payloadCid, job.payload)).status, 201);
    assert.ok(Buffer.from(kept.blocks.get(job.manifestCid)!).equals(job.manifest));
    assert.ok(Buffer.from(kept.blocks.get(job.payloadCid)!).equals(job.payload));
    assert.equal((await push(1n, job.payloadCid, job.payload)).status, 200);
  });

  it('refuses bytes that do not hash to the CID and stores nothing; the honest push still lands', async () => {
    await start();
    const job = await hire(1n);
    const forged = new TextEncoder().encode('print("not the requester’s script")\n');
    const refused = await push(1n, job.manifestCid, forged);
    assert.equal(refused.status, 422);
    assert.match(refused.text, /do not hash to/);
    assert.equal(kept.blocks.size, 0, 'nothing stored');
    assert.equal((await push(1n, job.manifestCid, job.manifest)).status, 201);
    const spoiled = job.payload.slice();
    spoiled[0]! ^= 1;
    assert.equal((await push(1n, job.payloadCid, spoiled)).status, 422);
    assert.equal(kept.blocks.size, 1, 'only the manifest');
    assert.equal((await push(1n, job.payloadCid, job.payload)).status, 201);
  });

  it('refuses a body over its cap: a manifest over MAX_MANIFEST_BYTES, a payload over its declared size', async () => {
    await start();
    const job = await hire(1n);
    const huge = new Uint8Array(MAX_MANIFEST_BYTES + 1);
    assert.equal((await push(1n, job.manifestCid, huge)).status, 413);
    assert.equal((await push(1n, job.manifestCid, job.manifest)).status, 201);
    const longer = new Uint8Array(job.payload.length + 1);
    longer.set(job.payload);
    assert.equal((await push(1n, job.payloadCid, longer)).status, 413);
    assert.equal(kept.blocks.size, 1, 'only the manifest');
  });

  it('refuses a job hired to another provider, an unknown job, an ended one, and CIDs the job does not name', async () => {
    await start();
    const theirs = await hire(2n, { provider: OTHER_PROVIDER });
    const other = await push(2n, theirs.manifestCid, theirs.manifest);
    assert.equal(other.status, 403);
    assert.match(other.text, /not hired to this provider/);
    assert.equal((await push(9n, theirs.manifestCid, theirs.manifest)).status, 404);
    const failed = await hire(3n, { status: 'failed' });
    assert.equal((await push(3n, failed.manifestCid, failed.manifest)).status, 409);
    const ours = await hire(4n);
    const early = await push(4n, ours.payloadCid, ours.payload);
    assert.equal(early.status, 409, 'the payload before its manifest');
    assert.match(early.text, /manifest first/);
    assert.equal((await push(4n, ours.manifestCid, ours.manifest)).status, 201);
    assert.equal((await push(4n, theirs.payloadCid, theirs.payload)).status, 422);
    assert.equal(kept.blocks.size, 1, 'only job 4’s manifest');
  });

  it('answers a started job at once (its content was fetched), without reading a body', async () => {
    await start();
    const job = await hire(5n, { status: 'running' });
    assert.equal((await push(5n, job.manifestCid, new Uint8Array())).status, 200);
    assert.equal(kept.blocks.size, 0);
  });

  it('takes only PUT as application/octet-stream, within the client’s rate', async () => {
    await start({ perSecond: 0.001, burst: 1 });
    const job = await hire(1n);
    assert.equal((await push(1n, job.manifestCid, job.manifest, { method: 'POST' })).status, 405);
    const json = await push(1n, job.manifestCid, job.manifest, { type: 'application/json' });
    assert.equal(json.status, 415);
    assert.equal((await push(1n, job.manifestCid, job.manifest)).status, 429);
    assert.equal(kept.blocks.size, 0);
  });

  it('is what handOverJobContent talks to: the manifest first, then the payload', async () => {
    await start();
    const job = await hire(6n);
    const outcome = await handOverJobContent(server.url, 6n, [
      { cid: job.manifestCid, bytes: job.manifest },
      { cid: job.payloadCid, bytes: job.payload },
    ]);
    assert.deepEqual(outcome, { handedOver: true });
    assert.equal(kept.blocks.size, 2);
    const refused = await handOverJobContent(
      server.url,
      7n,
      [{ cid: job.manifestCid, bytes: job.manifest }],
      { retryForMs: 0 },
    );
    assert.equal(refused.handedOver, false);
    assert.match(
      (refused as { reason: string }).reason,
      /answered HTTP 404: Job 7 is unknown here/,
    );
  });

  it('handOverJobContent asks again while the job is unknown to the provider, until it knows it', async () => {
    await start();
    const job = await hire(8n);
    const hired = jobs.get(8n)!;
    jobs.delete(8n); // the provider has not heard of the hire yet
    const admit = intake.admit.bind(intake);
    let asked = 0;
    intake.admit = (jobId, cid) => {
      if (++asked === 2) jobs.set(8n, hired); // it hears of it between two pushes
      return admit(jobId, cid);
    };
    const outcome = await handOverJobContent(
      server.url,
      8n,
      [
        { cid: job.manifestCid, bytes: job.manifest },
        { cid: job.payloadCid, bytes: job.payload },
      ],
      { retryMs: 1 },
    );
    assert.deepEqual(outcome, { handedOver: true });
    // Refused once as unknown; each push kept is admitted twice (before and after its body).
    assert.equal(asked, 5);
  });

  it('handOverJobContent stops at once at an endpoint without the hand-over (a bare 404)', async () => {
    await start(undefined, false);
    const job = await hire(1n);
    const outcome = await handOverJobContent(server.url, 1n, [
      { cid: job.manifestCid, bytes: job.manifest },
    ]);
    assert.deepEqual(outcome, {
      handedOver: false,
      reason: 'its endpoint answered HTTP 404: Not found.',
    });
  });
});
