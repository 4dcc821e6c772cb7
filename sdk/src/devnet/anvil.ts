import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createServer } from 'node:net';
import { createPublicClient, http } from 'viem';
import { OrangeError } from '../errors.js';

/** The anvil binary shipped inside the @foundry-rs platform package. */
export function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const require = createRequire(import.meta.url);
  try {
    const pkg = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
    return join(dirname(pkg), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  } catch (error) {
    throw new OrangeError('ANVIL_MISSING', `No anvil binary for ${process.platform}-${arch}.`, {
      hint: 'Run `npm install` in the project; anvil ships in @foundry-rs/anvil.',
      cause: error,
    });
  }
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface AnvilProcess {
  pid: number;
  rpcUrl: string;
  wsUrl: string;
}

/**
 * Starts anvil in the background (it outlives this process). The framework
 * deployer of Superfluid is over the 24 KiB code size limit, hence the flag.
 */
export async function startAnvil(options: {
  port: number;
  logFile: string;
  detached: boolean;
}): Promise<AnvilProcess> {
  const log = openSync(options.logFile, 'a');
  const child = spawn(
    anvilBinary(),
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--code-size-limit',
      '32768',
      '--chain-id',
      '31337',
    ],
    { detached: options.detached, stdio: ['ignore', log, log] },
  );
  if (options.detached) child.unref();
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  await waitForRpc(rpcUrl, () => child.exitCode !== null);
  if (child.pid === undefined) throw new OrangeError('ANVIL_FAILED', 'anvil did not start.');
  return { pid: child.pid, rpcUrl, wsUrl: `ws://127.0.0.1:${options.port}` };
}

export async function waitForRpc(
  rpcUrl: string,
  exited: () => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited()) break;
    try {
      await client.getChainId();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new OrangeError('ANVIL_FAILED', `anvil did not answer at ${rpcUrl}.`, {
    hint: 'See the anvil log in the devnet directory.',
  });
}
