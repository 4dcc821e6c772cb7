import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { orangeStreamingMarketAbi } from '@orange-cloud/contracts';
import {
  generateMnemonic,
  runJob,
  walletFromSecret,
  writeKeystore,
  type RunStage,
} from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork, type TestRequester } from './testing/local-network.js';
import { JOB_LABEL, MANAGED_LABEL } from './sandbox/index.js';
import { SHUTDOWN_REASON } from './provider-node.js';
import { ProviderStore } from './state/provider-store.js';

// The daemon's built start (`npm run build` first): a real process, so kill -9 is real.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A job that says it started, works a few seconds, and says it ended. */
const SLEEPER = 'import time\nprint("start", flush=True)\ntime.sleep(4)\nprint("end")\n';

describe('a provider daemon killed or stopped during a run, and restarted', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let dir: string;
  let stateDir: string;
  let provider: `0x${string}`;
  let daemon: ChildProcess | undefined;
  let logFile: string;
  const docker = new Docker();

  before(async () => {
    net = await LocalNetwork.start();
    dir = await mkdtemp(join(tmpdir(), 'orange-restart-'));
    stateDir = join(dir, 'state');
    logFile = join(dir, 'daemon.log');
    const mnemonic = generateMnemonic();
    await writeKeystore(join(dir, 'wallet.json'), { mnemonic }, '');
    provider = walletFromSecret({ mnemonic }).account.address;
    await fundOnDevnet(net.connection, provider);
  });

  after(async () => {
    daemon?.kill('SIGKILL');
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function writeConfig(shutdownGraceSec: number): Promise<void> {
    const config = {
      network: { ...net.connection, deployBlock: net.connection.deployBlock.toString() },
      keystore: join(dir, 'wallet.json'),
      stateDir,
      offer: { cores: 1, memoryMb: 512, pricePerCoreSecond: '1000', runtimes: ['python3'] },
      ipfs: { mode: 'embedded', listen: ['/ip4/127.0.0.1/tcp/0'] },
      live: { host: '127.0.0.1', port: 0 },
      checkpointMs: 500,
      shutdownGraceSec,
    };
    await writeFile(join(dir, 'provider.json'), JSON.stringify(config));
  }

  /** Starts the daemon and waits until requesters see it (re)registered at its new address. */
  async function startDaemon(requester: TestRequester): Promise<ChildProcess> {
    const before = requester.index.providers.get(provider)?.ipfsPeers.join();
    const log = await open(logFile, 'a');
    const child = spawn(process.execPath, [MAIN, '--config', join(dir, 'provider.json')], {
      env: { ...process.env, ORANGE_PROVIDER_PASSPHRASE: '' },
      stdio: ['ignore', log.fd, log.fd],
    });
    await log.close();
    const until = Date.now() + 60_000;
    for (;;) {
      await requester.index.sync();
      const view = requester.index.providers.get(provider);
      if (view?.active && view.ipfsPeers.join() !== before) return child;
      if (child.exitCode !== null) throw new Error(`the daemon exited: ${await readLog()}`);
      if (Date.now() > until) throw new Error(`the daemon did not register: ${await readLog()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const readLog = () => readFile(logFile, 'utf8');

  /** Containers of this provider for `jobId`, as they are now. */
  const containersOf = (jobId: bigint) =>
    docker.listContainers({
      all: true,
      filters: { label: [`${JOB_LABEL}=${jobId}`, `${MANAGED_LABEL}=${provider.toLowerCase()}`] },
    });

  /** How many containers were ever created for `jobId` by this provider since `sinceSec`. */
  async function containersCreated(jobId: bigint, sinceSec: number): Promise<number> {
    const events = await docker.getEvents({
      since: sinceSec,
      until: Math.floor(Date.now() / 1000) + 1,
      filters: {
        type: ['container'],
        event: ['create'],
        label: [`${JOB_LABEL}=${jobId}`, `${MANAGED_LABEL}=${provider.toLowerCase()}`],
      },
    });
    let text = '';
    events.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await once(events, 'end');
    return text.split('\n').filter((line) => line.trim() !== '').length;
  }

  /** The market's events of `name` for `jobId`, from the chain itself. */
  const chainEvents = (
    requester: TestRequester,
    name: 'JobCompleted' | 'JobFailed',
    jobId: bigint,
  ) =>
    requester.market.publicClient.getContractEvents({
      address: net.connection.marketAddress,
      abi: orangeStreamingMarketAbi,
      eventName: name,
      args: { jobId },
      fromBlock: net.connection.deployBlock,
    });

  /** Runs SLEEPER; `onStarted` is called once the job's first line has streamed. */
  function runSleeper(
    requester: TestRequester,
    onStarted: (jobId: bigint) => void,
    source = SLEEPER,
  ) {
    let jobId = 0n;
    let streamed = '';
    let told = false;
    const outcome = runJob(
      requester,
      {
        fileName: 'sleeper.py',
        source: new TextEncoder().encode(source),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 120,
      },
      (stage: RunStage) => {
        if (stage.stage === 'posted') jobId = stage.jobId;
        if (stage.stage === 'output') streamed += new TextDecoder().decode(stage.data);
        // Its first line streamed: its container runs and the daemon has written it down.
        if (!told && streamed.includes('start\n')) {
          told = true;
          onStarted(jobId);
        }
      },
    );
    return { outcome, jobId: () => jobId };
  }

  it('kill -9 mid-run, restart: the job completes exactly once and the requester gets its output', async () => {
    await writeConfig(60);
    const requester = await net.addRequester();
    daemon = await startDaemon(requester);
    const since = Math.floor(Date.now() / 1000) - 1;
    let restarted: Promise<ChildProcess> | undefined;
    const run = runSleeper(requester, () => {
      // The machine dies mid-run; the daemon comes back on the same state directory.
      daemon!.kill('SIGKILL');
      restarted = once(daemon!, 'exit').then(() => startDaemon(requester));
    });
    const outcome = await run.outcome;
    daemon = await restarted!;
    const jobId = run.jobId();

    assert.equal(outcome.status, 'completed', `failure: ${outcome.failureReason ?? ''}`);
    assert.equal(
      outcome.stdout,
      'start\nend\n',
      'the whole output, also what ran while no daemon watched',
    );
    assert.equal(outcome.exitCode, 0);
    assert.equal((await chainEvents(requester, 'JobCompleted', jobId)).length, 1);
    assert.equal((await chainEvents(requester, 'JobFailed', jobId)).length, 0);
    assert.equal(await containersCreated(jobId, since), 1, 'one container ever, re-attached');
    assert.deepEqual(await containersOf(jobId), [], 'and removed once done');
    assert.match(await readLog(), /re-attaching to a job an earlier run started/);
    assert.doesNotMatch(await readLog(), /ExperimentalWarning/);
  });

  it('kill -9 mid-run of a longer job: re-attached, its out/ files come back too', async () => {
    const requester = await net.addRequester();
    const since = Math.floor(Date.now() / 1000) - 1;
    let restarted: Promise<ChildProcess> | undefined;
    const run = runSleeper(
      requester,
      () => {
        daemon!.kill('SIGKILL');
        restarted = once(daemon!, 'exit').then(() => startDaemon(requester));
      },
      'import os, time\nprint("start", flush=True)\ntime.sleep(15)\n' +
        'open(os.path.join(os.environ["ORANGE_OUTPUT_DIR"], "r.txt"), "w").write("42")\n' +
        'print("end")\n',
    );
    const outcome = await run.outcome;
    daemon = await restarted!;
    const jobId = run.jobId();
    assert.equal(outcome.status, 'completed', `failure: ${outcome.failureReason ?? ''}`);
    assert.equal(outcome.stdout, 'start\nend\n');
    assert.deepEqual(
      outcome.result?.outputs?.files.map((f) => [f.path, f.bytes]),
      [['r.txt', 2]],
    );
    assert.equal(outcome.result?.outputs?.partial, false);
    assert.equal((await chainEvents(requester, 'JobCompleted', jobId)).length, 1);
    assert.equal(await containersCreated(jobId, since), 1);
    assert.deepEqual(await containersOf(jobId), []);
  });

  /** Waits until the chain says `jobId` ended, and returns its view. */
  async function endedOnChain(requester: TestRequester, jobId: bigint) {
    for (;;) {
      await requester.index.sync();
      const job = requester.index.jobs.get(jobId);
      if (job && !['accepted', 'running'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The database's record of `jobId`, and whether any job is left unfinished in it. */
  function recorded(jobId: bigint) {
    const state = ProviderStore.open(stateDir);
    try {
      const job = state.job(jobId);
      return { state: job?.state, reason: job?.reason, unfinished: state.unfinished().length };
    } finally {
      state.close();
    }
  }

  // A stopped provider takes the results it holds offline with it: these requesters follow
  // the job on chain (the result comes back with the daemon, or not at all).
  it('SIGTERM mid-run: the job finishes within the grace, the daemon exits 0; restarted, all is settled', async () => {
    const requester = await net.addRequester();
    let exited: Promise<unknown[]> | undefined;
    let jobId = 0n;
    const run = runSleeper(requester, (id) => {
      jobId = id;
      exited = once(daemon!, 'exit');
      daemon!.kill('SIGTERM');
    });
    run.outcome.catch(() => undefined);
    while (!exited) await new Promise((r) => setTimeout(r, 100));
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, await readLog());
    const job = await endedOnChain(requester, jobId);
    assert.equal(job.status, 'completed', job.failureReason);
    assert.equal(job.exitCode, 0);
    assert.deepEqual(await containersOf(jobId), [], 'no container left');
    assert.deepEqual(recorded(jobId), { state: 'completed', reason: undefined, unfinished: 0 });

    daemon = await startDaemon(requester);
    assert.deepEqual(await containersOf(jobId), []);
    assert.equal((await chainEvents(requester, 'JobCompleted', jobId)).length, 1);
    assert.equal(recorded(jobId).unfinished, 0);
  });

  it('SIGTERM with a job longer than the grace: failed with the reason, exit 0, nothing left', async () => {
    daemon!.kill('SIGTERM');
    await once(daemon!, 'exit');
    await writeConfig(1);
    const requester = await net.addRequester();
    daemon = await startDaemon(requester);
    let exited: Promise<unknown[]> | undefined;
    let jobId = 0n;
    const outcome = runJob(
      requester,
      {
        fileName: 'long.py',
        source: new TextEncoder().encode(
          'import time\nprint("start", flush=True)\ntime.sleep(120)\n',
        ),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 120,
      },
      (stage) => {
        if (stage.stage === 'posted') jobId = stage.jobId;
        if (stage.stage === 'output' && !exited) {
          exited = once(daemon!, 'exit');
          daemon!.kill('SIGTERM');
        }
      },
    );
    outcome.catch(() => undefined);
    while (!exited) await new Promise((r) => setTimeout(r, 100));
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, await readLog());
    const job = await endedOnChain(requester, jobId);
    assert.equal(job.status, 'failed');
    assert.equal(job.failureReason, SHUTDOWN_REASON);
    assert.ok(job.resultCid, 'the output so far was published with the failure');
    assert.deepEqual(await containersOf(jobId), [], 'no container left running');
    assert.deepEqual(recorded(jobId), { state: 'failed', reason: SHUTDOWN_REASON, unfinished: 0 });

    // Restarted: the database agrees with the chain, and nothing is taken up again.
    daemon = await startDaemon(requester);
    assert.deepEqual(await containersOf(jobId), []);
    assert.equal((await chainEvents(requester, 'JobFailed', jobId)).length, 1);
    assert.equal(recorded(jobId).unfinished, 0);
  });
});
