import { execFile, spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { LaunchPlan, NodeCandidate } from './daemon-launch.js';
import type { DaemonProcess, UserServices } from './share-controller.js';

const run = promisify(execFile);

/** Starts the daemon as a child process writing to its log file. */
export function spawnDaemon(
  plan: LaunchPlan,
  env: Record<string, string>,
  logFile: string,
): DaemonProcess {
  const log = openSync(logFile, 'a', 0o600);
  const child = spawn(plan.command, plan.args, {
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  closeSync(log);
  const listeners: ((code: number | null, signal: string | null) => void)[] = [];
  child.on('exit', (code, signal) => listeners.splice(0).forEach((l) => l(code, signal)));
  child.on('error', () => listeners.splice(0).forEach((l) => l(null, 'spawn failed')));
  return {
    get pid() {
      return child.pid;
    },
    get exitCode() {
      return child.exitCode ?? (child.signalCode ? -1 : null);
    },
    kill: (signal) => void child.kill(signal),
    onExit: (listener) => {
      if (child.exitCode !== null || child.signalCode !== null)
        listener(child.exitCode, child.signalCode);
      else listeners.push(listener);
    },
  };
}

/** Every `node` on PATH with its version (`node -p process.versions.node`). */
export async function nodesOnPath(path = process.env.PATH ?? ''): Promise<NodeCandidate[]> {
  const found: NodeCandidate[] = [];
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    try {
      await access(candidate);
      // ELECTRON_RUN_AS_NODE is harmless for a real node and makes an Electron binary answer too.
      const { stdout } = await run(candidate, ['-p', 'process.versions.node'], {
        timeout: 5_000,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      found.push({ path: candidate, version: stdout.trim() });
    } catch {
      // not there, or not runnable
    }
  }
  return found;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** `systemctl --user`, when this machine has a systemd user instance; else undefined. */
export async function userServices(): Promise<UserServices | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    await run('systemctl', ['--user', 'show-environment'], { timeout: 5_000 });
  } catch {
    return undefined;
  }
  const unitDir = join(homedir(), '.config/systemd/user');
  const systemctl = (...args: string[]) =>
    run('systemctl', ['--user', ...args], { timeout: 120_000 });
  return {
    async start(name, unit) {
      await mkdir(unitDir, { recursive: true });
      await writeFile(join(unitDir, name), unit);
      await systemctl('daemon-reload');
      await systemctl('enable', name);
      await systemctl('restart', name);
    },
    async stop(name) {
      await systemctl('disable', '--now', name);
    },
    async isActive(name) {
      return systemctl('is-active', '--quiet', name).then(
        () => true,
        () => false,
      );
    },
  };
}
