import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateMnemonic,
  homePaths,
  walletFromSecret,
  writeKeystore,
  MarketClient,
} from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork, testOffer } from '@orange-cloud/provider-daemon/testing';
import { startStandInSubgraph, writeTestWheel } from '@orange-cloud/sdk/testing';
import { runCli } from './testing/run-cli.js';

const HELLO = fileURLToPath(new URL('../../examples/hello.py', import.meta.url));
const SUBGRAPH_SCHEMA = new URL('../../subgraph/schema.graphql', import.meta.url);

describe('end to end through the orange CLI', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];
  const mnemonic = generateMnemonic();

  before(async () => {
    net = await LocalNetwork.start();
    await net.addProvider();
    const me = walletFromSecret({ mnemonic });
    // A second provider like the first: quotes go to both.
    await net.addProvider();
    home = await mkdtemp(join(tmpdir(), 'orange-cli-e2e-'));
    await writeKeystore(homePaths(home).wallet, { mnemonic }, '');
    await fundOnDevnet(net.connection, me.account.address);
    env = { ORANGE_HOME: home, ORANGE_PASSPHRASE: '' };
    flags = ['--rpc-url', net.connection.rpcUrl, '--market', net.connection.marketAddress];
  });

  after(async () => {
    await net?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('orange run refuses to post before payments are authorized, and says how', async () => {
    const r = await runCli(['run', HELLO, '--json', ...flags], env);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'PAY_NOT_AUTHORIZED');
    assert.match(r.stderr, /Nothing was posted/);
    assert.match(r.stderr, /orange pay authorize/);
    const jobs = await runCli(['jobs', '--json', ...flags], env);
    assert.deepEqual(JSON.parse(jobs.stdout), []);
  });

  it('orange pay authorize shows what it allows and sets a bounded allowance', async () => {
    const before = await runCli(['pay', 'status', '--json', ...flags], env);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(JSON.parse(before.stdout).complete, false);
    assert.equal(JSON.parse(before.stdout).availableWei, (1000n * 10n ** 18n).toString());

    const r = await runCli(['pay', 'authorize', '--allowance', '0.005', ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /authorizing market 0x[0-9a-fA-F]{40} as operator of your OTTx flows/);
    assert.match(r.stderr, /spending limit: at most 0\.005 OTTx\/s across the jobs you start/);
    assert.match(r.stderr, /cannot transfer your tokens otherwise/);
    const after = JSON.parse((await runCli(['pay', 'status', '--json', ...flags], env)).stdout);
    assert.equal(after.complete, true);
    assert.equal(after.flowRateAllowance, (5n * 10n ** 15n).toString());

    const bad = await runCli(['pay', 'authorize', '--allowance', 'lots', ...flags], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"lots" is not an amount of OTTx/);
  });

  it('orange run --json prints the documented fields and exits with the script exit code', async () => {
    const r = await runCli(['run', HELLO, '--json', ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    for (const key of [
      'jobId',
      'status',
      'exitCode',
      'stdout',
      'stderr',
      'provider',
      'manifestCid',
      'resultCid',
      'timings',
      'project',
      'rateWei',
      'costWei',
      'token',
    ]) {
      assert.ok(key in out, `missing ${key}`);
    }
    for (const key of ['postedMs', 'acceptedMs', 'startedMs', 'completedMs'])
      assert.equal(typeof out.timings[key], 'number');
    assert.equal(out.status, 'completed');
    assert.equal(out.exitCode, 0);
    // examples/ lies outside the test's working directory: its own folder is the project.
    assert.deepEqual(
      { root: out.project.root, files: out.project.files },
      { root: dirname(HELLO), files: 3 },
    );
    assert.ok(out.project.sealedBytes > 0);
    assert.match(
      out.stdout,
      /^Hello from Orange Cloud!\nPython 3\.\d+\.\d+ on x86_64\nsum of squares below 1000: 332833500\n$/,
    );
    assert.equal(out.stderr, 'this line went to stderr\n');
    // One core at the test provider's 1e9 wei per core-second, billed per second run.
    assert.equal(out.rateWei, '1000000000');
    assert.equal(out.token.symbol, 'OTTx');
    assert.equal(BigInt(out.costWei), BigInt(out.rateWei) * BigInt(out.paidSeconds));
    assert.equal(out.costIsExact, true);
  });

  it('orange run streams stage lines and passes the script exit code through', async () => {
    // A folder of its own: the script's folder is its project, and the wallet must not go.
    await mkdir(join(home, 'fail'));
    const file = join(home, 'fail', 'fail.py');
    await writeFile(file, 'import sys\nprint("about to fail")\nsys.exit(3)\n');
    const r = await runCli(['run', file, ...flags], env);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'about to fail\n');
    assert.match(r.stderr, /› sending 1 file, [\d.]+ KiB sealed \(largest: fail\.py 46 B\)\n/);
    assert.match(r.stderr, /› posted job \d+/);
    assert.match(r.stderr, /› hired 0x[0-9a-fA-F]{40}/);
    assert.match(
      r.stderr,
      /› rate at most 0\.000000001 OTTx\/s; the run costs at most 0\.00000009 OTTx \(60 s \+ 30 s grace\)/,
    );
    assert.match(r.stderr, /› running, paying 0\.000000001 OTTx\/s while it runs/);
    assert.match(r.stderr, /› cost [\d.]+ OTTx \(0\.000000001 OTTx\/s for \d+ s\)/);
    assert.match(r.stderr, /completed in [\d.]+ s, exit code 3/);
  });

  it('orange jobs lists my jobs newest first, and orange output re-opens a stored result', async () => {
    const r = await runCli(['jobs', '--json', ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    const jobs = JSON.parse(r.stdout) as {
      jobId: string;
      status: string;
      rateWei: string | null;
      costWei: string | null;
    }[];
    assert.ok(jobs.length >= 2);
    for (const job of jobs.filter((j) => j.status === 'completed')) {
      assert.equal(job.rateWei, '1000000000', `job ${job.jobId} rate`);
      assert.match(job.costWei ?? '', /^\d+$/, `job ${job.jobId} cost`);
    }
    const text = await runCli(['jobs', ...flags], env);
    assert.match(text.stdout, /completed\s+fail\.py\s+exit 3\s+\d+s\s+[\d.]+ OTTx\s+by 0x/);
    assert.ok(BigInt(jobs[0]!.jobId) > BigInt(jobs[1]!.jobId));
    const output = await runCli(['output', jobs[1]!.jobId, ...flags], env);
    assert.equal(output.code, 0, output.stderr);
    assert.match(output.stdout, /Hello from Orange Cloud!/);
  });

  it('orange jobs --source subgraph reads a fresh subgraph, and the chain when it lags or fails', async () => {
    // A STAND-IN for graph-node (graph-node cannot run here): the schema graph-node derives from
    // subgraph/schema.graphql, served from fixtures (sdk/src/history/testing/stand-in-subgraph.ts).
    const me = walletFromSecret({ mnemonic }).account.address.toLowerCase();
    const head = Number(await new MarketClient(net.connection).publicClient.getBlockNumber());
    const job = {
      id: '424242',
      jobId: '424242',
      requester: me,
      provider: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      offerNonce: '1',
      name: 'from-the-subgraph.py',
      runtime: 'python3',
      cores: 1,
      memoryMb: 512,
      timeoutSec: 60,
      pricePerCoreSecond: '0',
      manifestCid: 'bafy',
      kfrag: '0x01',
      status: 'completed',
      deadline: '1',
      hiredBlock: '1',
      startedAt: '1',
      resultCid: 'bafyresult',
      exitCode: 0,
      flags: 0,
      runSeconds: 1,
      failureReason: null,
      payment: null,
    };
    const standIn = await startStandInSubgraph({
      schemaGraphql: await readFile(SUBGRAPH_SCHEMA, 'utf8'),
      fixtures: {
        Job: [job],
        Requester: [{ id: me, jobCount: 1, firstHireAt: '1' }],
        Provider: [{ id: job.provider, active: false }],
      },
      indexedBlock: head,
    });
    try {
      const chain = await runCli(['jobs', '--json', '--source', 'chain', ...flags], env);
      assert.equal(chain.code, 0, chain.stderr);
      const subgraph = ['jobs', '--json', '--subgraph-url', standIn.url, ...flags];
      const fresh = await runCli(subgraph, env);
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.deepEqual(
        (JSON.parse(fresh.stdout) as { name: string }[]).map((j) => j.name),
        ['from-the-subgraph.py'],
      );
      standIn.indexedBlock = head - 100;
      const lagging = await runCli(subgraph, env);
      assert.equal(lagging.code, 0, lagging.stderr);
      assert.deepEqual(JSON.parse(lagging.stdout), JSON.parse(chain.stdout));
      assert.match(
        lagging.stderr,
        /blocks behind the chain .*: reading the chain's events instead/,
      );
      standIn.failing = true;
      const failing = await runCli(subgraph, env);
      assert.deepEqual(JSON.parse(failing.stdout), JSON.parse(chain.stdout));
      assert.match(failing.stderr, /failed .*: reading the chain's events instead/);
    } finally {
      await standIn.close();
    }
    const none = await runCli(['jobs', '--source', 'subgraph', ...flags], env);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no subgraph URL/);
  });

  it('a hired job that has not started yet: orange cancel cancels it', async () => {
    // A provider that keeps looking for a manifest nobody stores: its job stays unstarted for a
    // minute. A fresh one: every earlier run's quote round reserved capacity at the others.
    const idle = await net.addProvider({}, { fetchTimeoutMs: 60_000 });
    const wallet = walletFromSecret({ mnemonic });
    const market = new MarketClient(net.connection, wallet.account);
    const posted = await market.hireJob(
      await testOffer({ market, wallet }, idle),
      {
        name: 'waits.py',
        timeoutSec: 10,
        manifestCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      },
      `0x${'07'.repeat(64)}`,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await market.getJob(posted.jobId)).state, 1, 'still hired, not started');
    const r = await runCli(['cancel', posted.jobId.toString(), ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await market.getJob(posted.jobId)).state, 5, 'cancelled');
    const again = await runCli(['cancel', posted.jobId.toString(), ...flags], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /Job \d+ is already cancelled/);
    // Gone from the listings of the tests after this one.
    await new MarketClient(net.connection, idle.wallet.account).deactivateProvider();
  });

  it('orange providers lists the active providers with their price in the payment token', async () => {
    const r = await runCli(['providers', ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    // each provider's line, then its runtime with the Python and package versions it advertised
    assert.equal(lines.length, 4);
    for (const [i, line] of lines.entries())
      assert.match(
        line,
        i % 2 === 0
          ? /^0x[0-9a-fA-F]{40} {2}2 cores {2}1024 MB {2}0\.000000001 OTTx\/s per core {2}python3$/
          : /^ {2}python3 \(Python 3\.11\.\d+; .*pip \d+\.\d+/,
      );
  });

  it('orange run refuses a job no provider can take and posts nothing', async () => {
    const before = await runCli(['jobs', '--json', ...flags], env);
    const r = await runCli(['run', HELLO, '--cpus', '64', ...flags], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No active provider offers 64 cores; the largest offers 2/);
    const after = await runCli(['jobs', '--json', ...flags], env);
    assert.equal(JSON.parse(after.stdout).length, JSON.parse(before.stdout).length);
  });

  it('orange run installs a PEP 723 dependency from a wheel the test built, and the job imports it', async () => {
    const links = join(home, 'links');
    await mkdir(links);
    await writeTestWheel(links, {
      name: 'orange_greeting',
      version: '1.0',
      files: { 'orange_greeting/__init__.py': 'def hi(name):\n    return "hi " + name\n' },
      requires: ['orange_shout'],
    });
    await writeTestWheel(links, {
      name: 'orange_shout',
      version: '2.0',
      files: { 'orange_shout.py': 'def shout(text):\n    return text.upper() + "!"\n' },
    });
    const root = join(home, 'deps-project');
    await mkdir(root);
    await writeFile(
      join(root, 'pyproject.toml'),
      '[project]\nname = "p"\ndependencies = ["ignored"]\n',
    );
    await writeFile(join(root, 'helper.py'), 'NAME = "orange"\n');
    await writeFile(
      join(root, 'main.py'),
      [
        '# /// script',
        '# requires-python = ">=3.9"',
        '# dependencies = ["orange_greeting"]',
        '# ///',
        'import helper, orange_greeting, orange_shout',
        'print(orange_shout.shout(orange_greeting.hi(helper.NAME)))',
        'print(orange_greeting.__file__)',
        '',
      ].join('\n'),
    );
    // pip offline: no configuration of this machine, only the wheels this test wrote.
    const pipEnv = {
      ...env,
      PIP_CONFIG_FILE: '/dev/null',
      PIP_NO_INDEX: '1',
      PIP_FIND_LINKS: links,
    };
    const r = await runCli(['run', join(root, 'main.py'), ...flags], pipEnv);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'HI ORANGE!\n/orange-deps/lib/python3.11/site-packages/orange_greeting/__init__.py\n',
    );
    assert.match(
      r.stderr,
      /› dependencies from script metadata: 2 wheels, [\d.]+ KiB \(orange_greeting 1\.0 [\d.]+ KiB, orange_shout 2\.0 [\d.]+ KiB\)\n/,
    );
    assert.match(
      r.stderr,
      /completed in [\d.]+ s \([\d.]+ s installing dependencies\), exit code 0/,
    );
    // The second run takes the wheels from the cache: pip is not even on the PATH.
    const noPip = await mkdtemp(join(tmpdir(), 'orange-nopath-'));
    const again = await runCli(['run', join(root, 'main.py'), '--json', ...flags], {
      ...pipEnv,
      PATH: noPip,
    });
    await rm(noPip, { recursive: true, force: true });
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.equal(out.stdout.split('\n')[0], 'HI ORANGE!');
    assert.equal(out.project.dependencies.source, 'script metadata');
    assert.equal(out.project.dependencies.cached, true);
    assert.equal(typeof out.installMs, 'number');
    assert.ok(out.installMs <= out.durationMs);
    assert.deepEqual(
      out.project.dependencies.wheels.map((w: { file: string }) => w.file),
      ['orange_greeting-1.0-py3-none-any.whl', 'orange_shout-2.0-py3-none-any.whl'],
    );
  });
});
