import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob } from '@orange-cloud/sdk';
import {
  startAuthorizedRequester,
  type AuthorizedRequester,
} from './testing/authorized-requester.js';
import { ORANGE_BIN, runCli } from './testing/run-cli.js';

/**
 * `orange run` when the only provider is busy: it waits for it (saying so, posting nothing),
 * fails at once with --wait 0, and Ctrl+C while it waits ends it cleanly with nothing posted.
 */
describe('orange run against a busy provider', function () {
  this.timeout(180_000);
  let requester: AuthorizedRequester;
  let project: string;
  /** Other wallets' 2-core jobs, each holding every core of the devnet's provider while it runs. */
  const occupiers: Promise<unknown>[] = [];

  before(async () => {
    requester = await startAuthorizedRequester('busy');
    project = await mkdtemp(join(tmpdir(), 'orange-cli-busy-'));
    await writeFile(join(project, 'hello.py'), 'print("hi")\n');
  });

  after(async () => {
    await Promise.allSettled(occupiers);
    await requester?.stop();
    if (project) await rm(project, { recursive: true, force: true });
  });

  /**
   * Starts a job that takes both cores for `seconds`; resolves once it runs (after an earlier
   * occupier's job, which it waits for: the provider is busy until then), with its end.
   */
  const occupy = async (seconds: number) => {
    const other = await requester.net.addRequester();
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const occupier = runJob(
      other,
      {
        fileName: 'hold.py',
        source: new TextEncoder().encode(`import time\ntime.sleep(${seconds})\n`),
        cores: 2,
        memoryMb: 256,
        timeoutSec: 60,
      },
      (stage) => stage.stage === 'running' && running(),
    );
    occupiers.push(occupier);
    await Promise.race([started, occupier]);
    return { ended: occupier };
  };

  const orange = (args: string[]) =>
    runCli([...args, ...requester.flags], requester.env, 150_000, project);

  it('fails at once with --wait 0, posting nothing', async () => {
    await occupy(20);
    const run = await orange(['run', 'hello.py', '--wait', '0']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /declined: This provider is busy.*\(CAPACITY\)/);
    assert.doesNotMatch(run.stderr, /posted job|waiting up to/);
  });

  it('Ctrl+C while waiting ends the run cleanly, nothing posted', async () => {
    const child = spawn(process.execPath, [ORANGE_BIN, 'run', 'hello.py', ...requester.flags], {
      cwd: project,
      env: { ...process.env, ...requester.env },
    });
    let stderr = '';
    const waiting = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('waiting up to 120 s')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waiting;
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /the provider that could run it is busy; waiting up to 120 s/);
    assert.match(stderr, /cancelled before anything was posted; nothing was paid/);
    assert.doesNotMatch(stderr, /posted job|Error/);
  });

  it('waits for the provider to free up, then runs', async () => {
    // A fresh 2-core job (once the first one is over), so the provider is surely still busy.
    const occupier = await occupy(6);
    const run = await orange(['run', 'hello.py', '--wait', '90']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'hi\n');
    assert.match(run.stderr, /busy; waiting up to 90 s for one to free up/);
    await occupier.ended;
  });
});
