import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import {
  MarketClient,
  MarketIndex,
  generateMnemonic,
  orangeHome,
  resolveNetwork,
  type ProviderView,
} from '@orange-cloud/sdk';

/** What the extension's internal test command reports about Share Compute (src/extension.ts). */
interface ShareState {
  wallet?: string;
  share: {
    state?: string;
    statusBar?: string;
    rows?: { label: string; description: string; children: { label: string }[] }[];
    pid?: number;
    provider?: `0x${string}`;
    log: string;
  };
  statusBar: string;
  notifications: { code: string; text: string }[];
}

const run = promisify(execFile);
const state = () => vscode.commands.executeCommand<ShareState>('orangeCloud.internal.testState');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const devnet = () => resolveNetwork('devnet', orangeHome());

async function until<T>(what: string, check: () => Promise<T | undefined>, limitMs = 120_000) {
  const end = Date.now() + limitMs;
  for (;;) {
    const found = await check();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > end)
      throw new Error(`gave up waiting for ${what}: ${JSON.stringify(await state())}`);
    await sleep(500);
  }
}

/** As in the main suite: asks scripts/e2e.mjs for what only a browser can do. */
async function harness<T>(action: string): Promise<T | undefined> {
  const dir = process.env.ORANGE_E2E_HARNESS_DIR;
  if (!dir) return undefined;
  const { existsSync, readFileSync } = await import('node:fs');
  const reply = join(dir, `${action}.json`);
  console.log(`orange-e2e:${action}`);
  await until(`the harness to answer ${action}`, async () => existsSync(reply) || undefined);
  const answer = JSON.parse(readFileSync(reply, 'utf8')) as
    { ok: true; value: T } | { ok: false; error: string };
  if (!answer.ok) throw new Error(`harness ${action}: ${answer.error}`);
  return answer.value;
}

/** The repository's CLI, as a requester with its own wallet (the devnet's demo wallet). */
async function orange(...args: string[]): Promise<string> {
  const repo = process.env.ORANGE_E2E_REPO;
  if (!repo) throw new Error('ORANGE_E2E_REPO is not set: the harness names the repository');
  const { stdout } = await run(process.execPath, [join(repo, 'cli/bin/orange.js'), ...args], {
    cwd: vscode.workspace.workspaceFolders![0]!.uri.fsPath,
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Share Compute', function () {
  let provider: `0x${string}`;
  let pid: number;

  before(async () => {
    // Run alone (ORANGE_E2E_GREP), nothing has activated the extension yet.
    await vscode.extensions.getExtension('orange-cloud.orange-cloud-vscode')!.activate();
    // The daemon's key is derived from the extension's wallet: the main suite imports one.
    if (!(await state()).wallet) {
      await vscode.commands.executeCommand('orangeCloud.importWallet', {
        mnemonic: generateMnemonic(),
      });
    }
  });

  it('shares 1 core and 512 MB from the walkthrough: a daemon from the .vsix registers them', async () => {
    const market = new MarketClient(await devnet());
    const done = await harness<{ pricePrompt: string }>('share-from-walkthrough');
    if (done) {
      // The market's range, from the devnet provider, was shown when the price was asked.
      assert.match(
        done.pricePrompt,
        /active providers ask 0\.000001 OTTx\/s per core \(1 provider\)/,
      );
    } else {
      await vscode.commands.executeCommand('orangeCloud.share.start', {
        cores: 1,
        memoryMb: 512,
        pricePerCoreSecond: '500000000000',
        runtimes: [],
      });
    }
    const share = await until('the daemon to start', async () => {
      const s = (await state()).share;
      return s.pid && s.provider ? s : undefined;
    });
    provider = share.provider!;
    pid = share.pid!;
    assert.ok(alive(pid));
    const settings = vscode.workspace.getConfiguration('orangeCloud.share');
    assert.equal(settings.get('cores'), 1);
    assert.equal(settings.get('memoryMb'), 512);
    assert.equal(settings.get('pricePerCoreSecond'), '500000000000');

    const index = new MarketIndex(market);
    const registered = await until<ProviderView>(
      'the shared machine to register on the market',
      async () => {
        if (!alive(pid))
          throw new Error(`the daemon exited: ${JSON.stringify((await state()).share)}`);
        await index.sync();
        const found = index.providers.get(provider);
        return found?.active ? found : undefined;
      },
      180_000,
    );
    assert.equal(registered.cores, 1);
    assert.equal(registered.memoryMb, 512);
    assert.equal(registered.pricePerCoreSecond, 500_000_000_000n);
    assert.ok(registered.runtimes.includes('python3'), registered.runtimes.join(', '));
  });

  it('runs a job posted with the CLI from another wallet', async () => {
    await orange('pay', 'authorize', '--json');
    const result = JSON.parse(
      await orange('run', 'hello.py', '--provider', provider, '--no-project', '--json'),
    ) as { status: string; exitCode: number; stdout: string; provider: string };
    assert.equal(result.status, 'completed', JSON.stringify(result));
    assert.equal(result.exitCode, 0);
    assert.equal(result.provider.toLowerCase(), provider.toLowerCase());
    assert.match(result.stdout, /Hello from Orange Cloud!/);
  });

  it('stops: the daemon process is gone and the status bar says nothing', async () => {
    assert.ok(pid && alive(pid), 'the daemon runs before it is stopped');
    await vscode.commands.executeCommand('orangeCloud.share.stop');
    await until('the daemon to exit', async () => !alive(pid) || undefined, 90_000);
    const { share } = await state();
    assert.equal(share.state, 'stopped');
    assert.equal(share.statusBar, undefined);
    assert.equal(share.pid, undefined);
  });

  after(async () => {
    // Never leave a daemon behind a failed test.
    if ((await state()).share.pid) await vscode.commands.executeCommand('orangeCloud.share.stop');
  });
});
