/**
 * The scale section of `npm run bench`: N providers (1 core each) x K requesters on one devnet
 * with 1 s blocks, about 32 hello-world jobs per cell. Written against the public SDK (`runJob`)
 * and the chain's own record (receipts, events), so it measures v1 and v2 alike; only
 * job-taking.ts knows how a job is bound to a provider.
 */
import { loadavg } from 'node:os';
import { createTestClient, http, type Address, type Hash } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { MarketClient, cfaV1ForwarderAbi, runJob, type RunRequest } from '@orange-cloud/sdk';
import {
  LocalNetwork,
  type TestProvider,
  type TestRequester,
} from '@orange-cloud/provider-daemon/testing';
import { gasByCall, sentFigures } from './chain-receipts.js';
import { jobTransactions, mostJobsHeld } from './job-taking.js';

const JOBS = Number(process.env.BENCH_SCALE_JOBS ?? 32);
/** Cells as `NxK` (providers x requesters), e.g. BENCH_SCALE_CELLS=1x1,4x1. */
const CELLS = (process.env.BENCH_SCALE_CELLS ?? '1x1,1x4,4x1,4x4,8x1,8x4').split(',').map((c) => {
  const [n, k] = c.split('x').map(Number);
  if (!n || !k) throw new Error(`bad cell ${c}: write NxK, e.g. 4x1`);
  return { providers: n, requesters: k };
});
/** A job not yet posted when runJob gave up (no provider could take it now) is tried again. */
const MAX_ATTEMPTS = 30;
const JOB_DEADLINE_MS = 240_000;

const PROVIDER = { cores: 1, memoryMb: 1024, pricePerCoreSecond: 1_000_000_000n };
const HELLO = 'print("hello, world")\n';
const JOB: RunRequest = {
  fileName: 'hello.py',
  source: new TextEncoder().encode(HELLO),
  cores: 1,
  memoryMb: 256,
  timeoutSec: 30,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
};
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

interface JobRecord {
  ok: boolean;
  ms: number;
  attempts: number;
  error?: string;
}

/** One job from its first submission to its result, tried again while it was never posted. */
async function submit(requester: TestRequester): Promise<JobRecord> {
  const t0 = performance.now();
  for (let attempt = 1; ; attempt++) {
    let posted = false;
    try {
      const outcome = await runJob(
        requester,
        { ...JOB, signal: AbortSignal.timeout(JOB_DEADLINE_MS) },
        (stage) => {
          if ('jobId' in stage) posted = true;
        },
      );
      const ok = outcome.status === 'completed' && outcome.stdout === 'hello, world\n';
      return {
        ok,
        ms: performance.now() - t0,
        attempts: attempt,
        ...(ok ? {} : { error: `${outcome.status}: ${outcome.failureReason ?? outcome.stdout}` }),
      };
    } catch (error) {
      if (!posted && attempt < MAX_ATTEMPTS) {
        await sleep(1_000);
        continue;
      }
      return { ok: false, ms: performance.now() - t0, attempts: attempt, error: String(error) };
    }
  }
}

/** Runs `jobs` submissions with at most `inFlight` at once. */
async function pool(jobs: number, inFlight: number, one: () => Promise<JobRecord>) {
  const records: JobRecord[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs) {
      next++;
      records.push(await one());
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, jobs) }, lane));
  return records;
}

async function retire(net: LocalNetwork, provider: TestProvider): Promise<void> {
  await provider.node.stop();
  await provider.liveServer.close();
  await provider.store.stop();
  await new MarketClient(net.connection, provider.wallet.account).deactivateProvider();
}

async function waitBlocks(reader: MarketClient['publicClient'], after: bigint, blocks: bigint) {
  while ((await reader.getBlockNumber({ cacheTime: 0 })) < after + blocks) await sleep(250);
}

/**
 * One cell: N fresh 1-core providers, the first K requesters each keeping up to N jobs in flight
 * (so even one requester could keep every provider busy), JOBS jobs split among them.
 */
async function cell(net: LocalNetwork, requesters: TestRequester[], n: number, k: number) {
  const reader = requesters[0]!.market.publicClient;
  const providers: TestProvider[] = [];
  for (let i = 0; i < n; i++) providers.push(await net.addProvider(PROVIDER));
  const active = requesters.slice(0, k);
  const loadBefore = load();
  const from = await reader.getBlockNumber({ cacheTime: 0 });
  const t0 = performance.now();
  const shares = active.map((_, i) => Math.floor(JOBS / k) + (i < JOBS % k ? 1 : 0));
  const records = (
    await Promise.all(active.map((r, i) => pool(shares[i]!, n, () => submit(r))))
  ).flat();
  const wallMs = performance.now() - t0;
  const loadAfter = load();
  // Transactions already sent when the last result came (a late losing accept) land next block.
  const last = await reader.getBlockNumber({ cacheTime: 0 });
  await waitBlocks(reader, last, 2n);
  const to = await reader.getBlockNumber({ cacheTime: 0 });
  const accounts = [...providers, ...active].map((a) => a.wallet.account.address);
  const sent = await sentFigures(reader, net.connection.marketAddress, accounts, from, to);
  const logs = await reader.getLogs({
    address: net.connection.marketAddress,
    fromBlock: from + 1n,
    toBlock: to,
  });
  const held = mostJobsHeld(logs);
  for (const p of providers) await retire(net, p);

  const completed = records.filter((r) => r.ok);
  const times = completed.map((r) => r.ms);
  const errors = [...new Set(records.flatMap((r) => (r.error ? [r.error.slice(0, 200)] : [])))];
  return {
    providers: n,
    requesters: k,
    jobs: records.length,
    completed: completed.length,
    failed: records.length - completed.length,
    triedAgain: records.reduce((sum, r) => sum + r.attempts - 1, 0),
    transactions: sent.transactions,
    reverted: sent.reverted,
    revertedBy: sent.revertedBy,
    revertedAcceptJob: sent.revertedBy['acceptJob'] ?? 0,
    jobsPerMin: Math.round((completed.length / (wallMs / 60_000)) * 10) / 10,
    submitToResultMs: { p50: percentile(times, 50), p95: percentile(times, 95) },
    gasPerJob: completed.length ? Number(sent.gasUsed / BigInt(completed.length)) : null,
    mostOneCoreJobsHeld: Math.max(
      0,
      ...providers.map((p) => held.get(p.wallet.account.address.toLowerCase() as Address) ?? 0),
    ),
    blocks: Number(to - from),
    wallMs: Math.round(wallMs),
    loadAverage: { before: loadBefore, after: loadAfter },
    ...(errors.length ? { errors } : {}),
  };
}

/** Gas of every transaction that named the job, by the market call that sent it. */
async function lifecycleGas(
  net: LocalNetwork,
  reader: MarketClient['publicClient'],
  jobId: bigint,
) {
  const logs = await reader.getLogs({
    address: net.connection.marketAddress,
    fromBlock: net.connection.deployBlock,
  });
  return gasByCall(reader, net.connection.marketAddress, [...jobTransactions(logs, jobId)]);
}

/** Superfluid's own cost for the same flow, by the requester directly: create it, delete it. */
async function superfluidFlowGas(requester: TestRequester) {
  const terms = await requester.market.paymentTerms();
  const wallet = requester.market.walletClient!;
  const receiver = privateKeyToAccount(generatePrivateKey()).address; // a fresh receiver
  const setFlowrate = async (rate: bigint) => {
    const hash: Hash = await wallet.writeContract({
      address: terms.cfaV1Forwarder,
      abi: cfaV1ForwarderAbi,
      functionName: 'setFlowrate',
      args: [terms.superToken, receiver, rate],
      // A fixed limit: an estimate from the block before runs short once Superfluid settles the
      // time passed (gasUsed is what is reported, unused gas costs nothing).
      gas: 1_000_000n,
    });
    const receipt = await requester.market.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`setFlowrate(${rate}) reverted`);
    return Number(receipt.gasUsed);
  };
  const create = await setFlowrate(PROVIDER.pricePerCoreSecond);
  const remove = await setFlowrate(0n);
  return { create, delete: remove, total: create + remove };
}

/** The gas of one free and one paid hello lifecycle, each on a provider of its own. */
async function lifecycles(net: LocalNetwork, requester: TestRequester) {
  const reader = requester.market.publicClient;
  const free = await net.addProvider({ ...PROVIDER, pricePerCoreSecond: 0n });
  const freeRun = await runJob(requester, { ...JOB, provider: free.wallet.account.address });
  await retire(net, free);
  const paid = await net.addProvider(PROVIDER);
  const paidRun = await runJob(requester, { ...JOB, provider: paid.wallet.account.address });
  await retire(net, paid);
  for (const run of [freeRun, paidRun]) {
    if (run.status !== 'completed') throw new Error(`lifecycle job ${run.jobId}: ${run.status}`);
  }
  return {
    free: await lifecycleGas(net, reader, freeRun.jobId),
    paid: await lifecycleGas(net, reader, paidRun.jobId),
    superfluidFlowAlone: await superfluidFlowGas(requester),
  };
}

export async function scaleFigures() {
  const net = await LocalNetwork.start();
  try {
    const most = Math.max(...CELLS.map((c) => c.requesters));
    const requesters: TestRequester[] = [];
    for (let i = 0; i < most; i++) requesters.push(await net.addRequester());
    // Set up at automine speed, then measure with 1 s blocks like a real chain.
    const test = createTestClient({ mode: 'anvil', transport: http(net.connection.rpcUrl) });
    await test.setIntervalMining({ interval: 1 });
    await test.setAutomine(false);
    const cells = [];
    for (const c of CELLS) {
      console.log(`scale: ${c.providers} providers x ${c.requesters} requesters, ${JOBS} jobs`);
      const figures = await cell(net, requesters, c.providers, c.requesters);
      console.log(figures);
      cells.push(figures);
    }
    const gas = await lifecycles(net, requesters[0]!);
    return { jobsPerCell: JOBS, blockTimeSec: 1, providerCores: 1, cells, gas };
  } finally {
    await net.stop();
  }
}

export function printScale(scale: Awaited<ReturnType<typeof scaleFigures>>): void {
  console.table(
    scale.cells.map((c) => ({
      'N x K': `${c.providers} x ${c.requesters}`,
      done: c.completed,
      failed: c.failed,
      reverted: c.reverted,
      'acceptJob rev.': c.revertedAcceptJob,
      'jobs/min': c.jobsPerMin,
      'p50 ms': c.submitToResultMs.p50,
      'p95 ms': c.submitToResultMs.p95,
      'gas/job': c.gasPerJob,
      'most held': c.mostOneCoreJobsHeld,
      load: c.loadAverage.after[0],
    })),
  );
  console.log('gas of a free hello lifecycle:', scale.gas.free);
  console.log('gas of a paid hello lifecycle:', scale.gas.paid);
  console.log('Superfluid alone, create + delete of one flow:', scale.gas.superfluidFlowAlone);
}
