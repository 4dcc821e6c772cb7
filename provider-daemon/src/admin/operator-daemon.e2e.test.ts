import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMnemonic, runJob, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork } from '../testing/local-network.js';
import type { ProviderStatus } from '../observe/provider-status.js';

// The daemon's built start, as operators and `orange devnet up` run it (built before the tests).
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * The daemon as an operator runs it, a real process: JSON log lines naming their job,
 * admin.json written owner-only, `orange-provider status` reading it, and on SIGTERM a clean
 * exit that removes admin.json, after which status says the daemon is not running.
 */
describe('operator view of a real daemon process', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let dir: string;
  let daemon: ChildProcess;
  let logs = '';
  const config = () => join(dir, 'provider.json');
  const status = (...args: string[]) =>
    spawnSync(process.execPath, [MAIN, 'status', '--config', config(), ...args], {
      encoding: 'utf8',
    });

  before(async () => {
    net = await LocalNetwork.start();
    dir = await mkdtemp(join(tmpdir(), 'orange-operator-'));
    const mnemonic = generateMnemonic();
    await writeKeystore(join(dir, 'wallet.json'), { mnemonic }, '');
    await fundOnDevnet(net.connection, walletFromSecret({ mnemonic }).account.address);
    await writeFile(
      config(),
      JSON.stringify({
        network: { ...net.connection, deployBlock: net.connection.deployBlock.toString() },
        keystore: join(dir, 'wallet.json'),
        offer: { cores: 1, memoryMb: 512, pricePerCoreSecond: '1000', runtimes: ['python3'] },
        ipfs: { mode: 'embedded', listen: ['/ip4/127.0.0.1/tcp/0'] },
        live: { host: '127.0.0.1', port: 0 },
        logFormat: 'json',
      }),
    );
    daemon = spawn(process.execPath, [MAIN, '--config', config()], {
      env: { ...process.env, ORANGE_PROVIDER_PASSPHRASE: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    daemon.stdout!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const until = Date.now() + 60_000;
    while (!logs.includes('"msg":"provider ready"')) {
      if (Date.now() > until || daemon.exitCode !== null) throw new Error(`no start:\n${logs}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes admin.json owner-only and status summarises the daemon', async () => {
    const admin = join(dir, 'provider-state', 'admin.json');
    assert.equal((await stat(admin)).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(admin, 'utf8')).pid, daemon.pid);
    const text = status();
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Provider 0x[0-9a-fA-F]{40}: online\n/);
    assert.match(text.stdout, /Capacity: 0 of 1 core and 0 of 512 MB in use/);
  });

  it('logs every line about a job with its id, as JSON', async () => {
    const requester = await net.addRequester();
    const outcome = await runJob(requester, {
      fileName: 'hello.py',
      source: new TextEncoder().encode('print("hello")\n'),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 30,
    });
    assert.equal(outcome.status, 'completed', outcome.failureReason);
    const json = status('--json');
    const s = JSON.parse(json.stdout) as ProviderStatus;
    assert.deepEqual(
      s.served.map((j) => [j.jobId, j.state]),
      [[outcome.jobId.toString(), 'completed']],
    );
    const lines = logs
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const about = lines.filter(
      (l) => /job/.test(l.msg as string) && l.msg !== 'erased job keys of an earlier run',
    );
    assert.ok(about.length >= 3, JSON.stringify(about));
    for (const line of about)
      assert.equal(line.job, outcome.jobId.toString(), JSON.stringify(line));
    for (const line of lines) assert.ok(['info', 'warn', 'error'].includes(line.level as string));
  });

  it('exits 0 on SIGTERM and removes admin.json; status then says it is not running', async () => {
    const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    assert.equal(await exited, 0);
    await assert.rejects(stat(join(dir, 'provider-state', 'admin.json')), { code: 'ENOENT' });
    const text = status();
    assert.equal(text.status, 1);
    assert.match(text.stderr, /The provider daemon is not running: .*admin\.json does not exist/);
  });
});
