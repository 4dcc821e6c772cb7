/**
 * `npm run bench`: end-to-end latency of a hello-world job on a local
 * network (real anvil, Docker, Helia, Umbral and the Superfluid framework)
 * beside plain local Python, and the gas of every lifecycle transaction, with
 * and without a payment flow, against the issue-11 goals (gas.ts, also `npm run bench:gas`); what
 * sending a 10 MiB project costs; the offline install time of a five-wheel dependency set; then
 * the scale section (scale.ts: N providers x K requesters) and the operator section
 * (sustained-jobs.ts: one daemon process on 2 cores, idle memory and sustained hello jobs a
 * minute). Prints the figures and writes them to bench/results.json. The gas, scale and
 * operator sections also run alone (`npm run bench:gas`, `npm run bench:scale`, `npm run
 * bench:operator`), replacing only their own key in results.json.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createPublicClient, http } from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import {
  DEFAULT_ALLOWANCE,
  FLOW_PERMISSIONS_ALL,
  cfaV1ForwarderAbi,
  parseAllowance,
  runJob,
  type RequesterContext,
  type RunOutcome,
} from '@orange-cloud/sdk';
import type { Address } from 'viem';
import { extensionFigures } from './extension.js';
import { daemonMemory } from './daemon-memory.js';
import { dependencyInstall } from './dependency-install.js';
import { orangeBin } from './orange-bin.js';
import { projectTransferFigures } from './project-transfer.js';
import { numpyJob } from './numpy-job.js';
import { runtimeHello } from './runtime-hello.js';
import { registrationGas } from './registration-gas.js';
import { lifecycleGasFigures, printLifecycleGas } from './gas.js';
import { printScale, scaleFigures } from './scale.js';
import { sustainedJobs } from './sustained-jobs.js';
import { LocalNetwork, type TestRequester } from '@orange-cloud/provider-daemon/testing';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const hello = 'print("hello, world")\n';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (ms: number) => Math.round(ms * 10) / 10;
const summary = (values: number[]) => ({
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  min: round(Math.min(...values)),
  max: round(Math.max(...values)),
  runs: values.length,
});

function localPython(): ReturnType<typeof summary> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const run = spawnSync('python3', ['-c', hello], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`local python3 failed: ${run.stderr}`);
    times.push(performance.now() - t0);
  }
  return summary(times);
}

/** Gas of the transaction that emitted the job's `eventName`. */
async function gasOf(
  net: LocalNetwork,
  jobId: bigint,
  eventName: 'JobStarted' | 'JobCompleted',
): Promise<bigint> {
  const client = createPublicClient({ transport: http(net.connection.rpcUrl) });
  const [log] = await client.getContractEvents({
    address: net.connection.marketAddress,
    abi: marketAbi,
    eventName,
    args: { jobId },
    fromBlock: net.connection.deployBlock,
  });
  if (!log) throw new Error(`no ${eventName} for job ${jobId}`);
  return (await client.getTransactionReceipt({ hash: log.transactionHash })).gasUsed;
}

const sleeper = (seconds: number) => ({
  fileName: 'sleep.py',
  source: new TextEncoder().encode(`import time\ntime.sleep(${seconds})\n`),
  cores: 1,
  memoryMb: 256,
  timeoutSec: 30,
});

/**
 * Two jobs of one requester on one provider at once share one flow: the second start raises it
 * (an update, not a create) and the first end lowers it (an update, not a delete).
 */
async function sharedFlowGas(net: LocalNetwork, requester: RequesterContext, provider: Address) {
  const first = runJob(requester, { ...sleeper(3), provider });
  await new Promise((r) => setTimeout(r, 1_000));
  const second = await runJob(requester, { ...sleeper(4), provider });
  const firstOutcome = await first;
  return {
    startJobRaisingAFlow: Number(await gasOf(net, second.jobId, 'JobStarted')),
    completeJobLoweringAFlow: Number(await gasOf(net, firstOutcome.jobId, 'JobCompleted')),
  };
}

/** The requester's one-time authorization of the market (updateFlowOperatorPermissions). */
async function authorizationGas(requester: TestRequester): Promise<number> {
  const terms = await requester.market.paymentTerms();
  const hash = await requester.market.walletClient!.writeContract({
    address: terms.cfaV1Forwarder,
    abi: cfaV1ForwarderAbi,
    functionName: 'updateFlowOperatorPermissions',
    args: [
      terms.superToken,
      terms.market,
      FLOW_PERMISSIONS_ALL,
      parseAllowance(DEFAULT_ALLOWANCE, terms),
    ],
  });
  return Number((await requester.market.publicClient.waitForTransactionReceipt({ hash })).gasUsed);
}

/**
 * Live output latency: the script stamps each line with its print time; the
 * client notes when the decrypted, verified line arrives (same machine clock).
 */
async function liveLineLatency(requester: RequesterContext) {
  const LINES = 50;
  const latencies: number[] = [];
  let buffer = '';
  await runJob(
    requester,
    {
      fileName: 'ticker.py',
      source: new TextEncoder().encode(
        `import time\nfor i in range(${LINES}):\n    print(f"{time.time():.6f}")\n    time.sleep(0.05)\n`,
      ),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 60,
    },
    (stage) => {
      if (stage.stage !== 'output') return;
      const now = Date.now();
      buffer += new TextDecoder().decode(stage.data);
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        latencies.push(now - Number(buffer.slice(0, newline)) * 1000);
        buffer = buffer.slice(newline + 1);
      }
    },
  );
  if (latencies.length !== LINES)
    throw new Error(`live output delivered ${latencies.length} of ${LINES} lines`);
  return summary(latencies);
}

/** Start-up of the `orange` CLI as a user meets it: `orange --help` in a new process. */
function cliStartup(): ReturnType<typeof summary> {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [orangeBin(), '--help'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`orange --help failed: ${run.stderr}`);
    times.push(performance.now() - t0);
  }
  return summary(times);
}

/** What `npm ci` put on disk for this checkout: every contributor downloads it. */
function installSize() {
  const dir = fileURLToPath(new URL('../node_modules', import.meta.url));
  const du = spawnSync('du', ['-sk', dir], { encoding: 'utf8' });
  if (du.status !== 0) throw new Error(`du failed: ${du.stderr}`);
  return { nodeModulesMb: Math.round(Number(du.stdout.split('\t')[0]) / 1024) };
}

async function singleProviderFigures() {
  console.log(`Orange Cloud bench: ${RUNS} hello-world runs`);
  const local = localPython();
  const net = await LocalNetwork.start();
  try {
    const paid = await net.addProvider({ pricePerCoreSecond: 10n ** 12n });
    const requester = await net.addRequester();
    const outcomes: RunOutcome[] = [];
    for (let i = 0; i < RUNS; i++) {
      const outcome = await runJob(requester, {
        fileName: 'hello.py',
        source: new TextEncoder().encode(hello),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 30,
        provider: paid.wallet.account.address,
      });
      if (outcome.stdout !== 'hello, world\n')
        throw new Error(`run ${i} returned ${JSON.stringify(outcome.stdout)}`);
      outcomes.push(outcome);
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    const lineLatency = await liveLineLatency(requester);
    const shared = await sharedFlowGas(net, requester, paid.wallet.account.address);
    const authorize = await authorizationGas(requester);
    const deps = await dependencyInstall(requester, paid.wallet.account.address, 5);
    const data = await net.addProvider({
      pricePerCoreSecond: 10n ** 12n,
      runtimes: ['python3', 'python-data'],
    });
    const numpy = await numpyJob(requester, data.wallet.account.address, 5);
    const everyRuntime = await net.addProvider({
      pricePerCoreSecond: 10n ** 12n,
      runtimes: ['python3', 'node', 'wasi'],
    });
    const perRuntime = await runtimeHello(requester, everyRuntime.wallet.account.address, 5);
    const lastPaid = outcomes[outcomes.length - 1]!;
    const pick = (f: (o: RunOutcome) => number | undefined) => outcomes.map((o) => f(o)!);
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      runs: RUNS,
      latencyMs: {
        submitToAccepted: summary(pick((o) => o.timings.acceptedMs)),
        submitToRunning: summary(pick((o) => o.timings.startedMs)),
        submitToResult: summary(pick((o) => o.timings.completedMs)),
        containerRun: summary(pick((o) => o.result?.timings.durationMs)),
        localPython3: local,
      },
      liveLineLatencyMs: lineLatency,
      dependencyInstall: {
        wheels: 5,
        wheelBytes: deps.wheelBytes,
        installMs: summary(deps.installMs),
      },
      cliStartupMs: cliStartup(),
      install: installSize(),
      projectTransfer10MiB: await projectTransferFigures(),
      numpyJobOnPythonData: {
        runtime: numpy.runtime,
        submitToResultMs: summary(numpy.submitToResultMs),
        containerRunMs: summary(numpy.containerRunMs),
      },
      helloPerRuntime: Object.fromEntries(
        Object.entries(perRuntime).map(([runtime, f]) => [
          runtime,
          {
            submitToResultMs: summary(f.submitToResultMs),
            containerRunMs: summary(f.containerRunMs),
          },
        ]),
      ),
      extension: await extensionFigures(),
      daemon: await daemonMemory(fileURLToPath(new URL('../examples/hello.py', import.meta.url))),
      gas: {
        // Free and paid lifecycles on a devnet of their own, against the goals.
        lifecycle: await lifecycleGasFigures(),
        sharedFlow: shared,
        authorizeOnce: authorize,
        registerProvider: await registrationGas(net),
      },
      helloCost: {
        rateWei: Number(lastPaid.payment?.rateWei),
        secondsBilled: pick((o) => o.payment?.stopped?.streamedSeconds),
        costWei: Number(lastPaid.payment?.stopped?.costWei),
      },
    };
    console.table(results.latencyMs);
    console.log('live output, print -> decoded at the client (ms):', results.liveLineLatencyMs);
    console.log('offline install of 5 wheels (ms):', results.dependencyInstall);
    console.log(
      'a numpy job (routed by its import), submit -> result:',
      results.numpyJobOnPythonData,
    );
    console.log('hello world per runtime, submit -> result and container run (ms):');
    console.table(
      Object.fromEntries(
        Object.entries(results.helloPerRuntime).map(([runtime, f]) => [
          runtime,
          {
            submitToResultP50: f.submitToResultMs.p50,
            submitToResultP95: f.submitToResultMs.p95,
            containerRunP50: f.containerRunMs.p50,
          },
        ]),
      ),
    );
    console.log('extension:', results.extension);
    const inCodeServer = results.extension.codeServer;
    console.log(
      'extension in code-server:',
      typeof inCodeServer === 'string'
        ? inCodeServer
        : `activation ${inCodeServer.activationMs} ms, click -> first output line of hello.py ${inCodeServer.clickToFirstOutputMs ?? 'not measured'} ms (the e2e run of ${inCodeServer.measuredAt})`,
    );
    console.log('orange --help start-up (ms):', results.cliStartupMs);
    console.log('provider daemon, resident memory when idle (MB):', results.daemon);
    console.log('node_modules (MB):', results.install.nodeModulesMb);
    console.log(
      'a 10 MiB project, pack / seal / store / provider fetch:',
      results.projectTransfer10MiB,
    );
    printLifecycleGas(results.gas.lifecycle);
    console.log('gas with a shared flow:', results.gas.sharedFlow);
    console.log('gas of the one-time authorization:', results.gas.authorizeOnce);
    console.log(
      'gas of a first registration (python3, python-data):',
      results.gas.registerProvider,
    );
    console.log('hello.py billing (seconds billed per run):', results.helloCost);
    return results;
  } finally {
    await net.stop();
  }
}

async function main() {
  const results = await singleProviderFigures();
  // On a devnet of its own, after the one above is stopped.
  const scale = await scaleFigures();
  printScale(scale);
  // Its own devnet too: one daemon process offering 2 cores, kept busy.
  const operator = await sustainedJobs();
  console.log('provider daemon, one process offering 2 cores:', operator);
  const file = fileURLToPath(new URL('./results.json', import.meta.url));
  await writeFile(file, JSON.stringify({ ...results, scale, operator }, null, 2) + '\n');
  console.log(`written to ${file}`);
}

await main();
