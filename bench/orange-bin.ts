import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The `orange` command as npm installs it for this checkout (run with the bench's own Node 22). */
export const orangeBin = (): string =>
  fileURLToPath(new URL('../node_modules/.bin/orange', import.meta.url));

/** Runs `orange ARGS` with HOME's devnet wallet (no passphrase) and returns its stdout. */
export function orange(home: string, args: string[]): string {
  const run = spawnSync(process.execPath, [orangeBin(), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ORANGE_HOME: home, ORANGE_PASSPHRASE: '' },
  });
  if (run.status !== 0) throw new Error(`orange ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for process ${pid}`);
  return Math.round(kb / 1024);
}
