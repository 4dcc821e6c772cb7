/**
 * The provider daemon's memory as an operator meets it: a devnet brought up by
 * the `orange` CLI (its own anvil and a real daemon process), 20 hello-world
 * jobs run through the CLI (each timed as the user waits for it), then the
 * daemon's resident set size once it is idle again. Everything runs in a throw-away ORANGE_HOME on a free port.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@orange-cloud/sdk/devnet';
import { orange, orangeBin, rssMb } from './orange-bin.js';

const JOBS = 20;
const IDLE_MS = 5_000;

export async function daemonMemory(hello: string) {
  const home = await mkdtemp(join(tmpdir(), 'orange-bench-daemon-'));
  try {
    const up = JSON.parse(
      orange(home, ['devnet', 'up', '--port', String(await freePort()), '--json']),
    ) as { providerPid: number };
    orange(home, ['pay', 'authorize']);
    const afterStart = rssMb(up.providerPid);
    const runMs: number[] = [];
    for (let i = 0; i < JOBS; i++) {
      const t0 = performance.now();
      const out = orange(home, ['run', hello]);
      runMs.push(performance.now() - t0);
      if (!/hello/i.test(out)) throw new Error(`job ${i} printed ${JSON.stringify(out)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    runMs.sort((a, b) => a - b);
    return {
      jobs: JOBS,
      idleRssMbAfterStart: afterStart,
      idleRssMbAfterJobs: rssMb(up.providerPid),
      // The whole `orange run` as a user waits for it, this daemon serving it.
      cliRunMsP50: Math.round(runMs[Math.floor(JOBS / 2)]!),
    };
  } finally {
    spawnSync(process.execPath, [orangeBin(), 'devnet', 'down'], {
      env: { ...process.env, ORANGE_HOME: home },
    });
    await rm(home, { recursive: true, force: true });
  }
}
