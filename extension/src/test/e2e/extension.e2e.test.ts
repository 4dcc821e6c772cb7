import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  fundOnDevnet,
  generateMnemonic,
  orangeHome,
  resolveNetwork,
  walletFromSecret,
} from '@orange-cloud/sdk';

/** What the extension's internal test command reports (see src/extension.ts). */
interface TestState {
  lastRun?: {
    fileName: string;
    jobId?: string;
    status: string;
    exitCode: number | null;
    output: string;
  };
  inFlight: { fileName: string; jobId?: string; stage: string }[];
  jobs: {
    jobId: string;
    status: string;
    label: string;
    description: string;
    contextValue: string;
  }[];
  providers: { label: string; description: string }[];
  notifications: { code: string; text: string; actions: string[] }[];
}

const state = () => vscode.commands.executeCommand<TestState>('orangeCloud.internal.testState');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value; the suite's timeout bounds the wait. */
async function until<T>(
  what: string,
  check: (s: TestState) => T | undefined,
  limitMs = 120_000,
): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const found = check(await state());
    if (found !== undefined && found !== false) return found;
    if (Date.now() > end)
      throw new Error(`gave up waiting for ${what}: ${JSON.stringify(await state())}`);
    await sleep(250);
  }
}

const workspace = () => vscode.workspace.workspaceFolders![0]!.uri;

describe('Orange Cloud in VS Code', function () {
  let helloJobId: string;

  before(async () => {
    const hello = await vscode.workspace.openTextDocument(
      vscode.Uri.joinPath(workspace(), 'hello.py'),
    );
    await vscode.window.showTextDocument(hello);
  });

  it('offers the setup walkthrough when a run finds no wallet', async () => {
    await vscode.commands.executeCommand('orangeCloud.runFile');
    const shown = await until('the no-wallet notification', (s) =>
      s.notifications.find((n) => n.code === 'NO_WALLET'),
    );
    assert.deepEqual(shown.actions, ['openWalkthrough', 'createWallet', 'importWallet']);
    assert.match(shown.text, /no wallet/i);
    // The offered action opens the walkthrough without failing.
    await vscode.commands.executeCommand('orangeCloud.openWalkthrough');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('imports a wallet funded on the devnet', async () => {
    const mnemonic = generateMnemonic();
    const address = walletFromSecret({ mnemonic }).account.address;
    const connection = await resolveNetwork('devnet', orangeHome());
    await fundOnDevnet(connection.rpcUrl, address);
    const imported = await vscode.commands.executeCommand('orangeCloud.importWallet', { mnemonic });
    assert.equal(imported, address);
  });

  it('runs hello.py and shows the remote output and a completed job', async () => {
    const hello = await vscode.workspace.openTextDocument(
      vscode.Uri.joinPath(workspace(), 'hello.py'),
    );
    await vscode.window.showTextDocument(hello);
    await vscode.commands.executeCommand('workbench.view.extension.orangeCloud');
    await vscode.commands.executeCommand('orangeCloud.runFile');
    const { lastRun, notifications } = await state();
    assert.ok(lastRun, `no run was recorded; notifications: ${JSON.stringify(notifications)}`);
    assert.equal(lastRun.fileName, 'hello.py');
    assert.equal(lastRun.status, 'completed', lastRun.output);
    assert.equal(lastRun.exitCode, 0, lastRun.output);
    assert.match(lastRun.output, /Hello from Orange Cloud!/);
    assert.match(lastRun.output, /posted job #\d+/);
    assert.match(lastRun.output, /accepted by 0x[0-9a-fA-F]{40}/);
    assert.match(lastRun.output, /\[Done\] job #\d+ completed, exit code 0/);
    helloJobId = lastRun.jobId!;
    const row = await until('the completed job in the tree', (s) =>
      s.jobs.find((j) => j.jobId === helloJobId && j.status === 'completed'),
    );
    assert.equal(row.label, 'hello.py');
    assert.match(row.description, /completed.*exit 0/);
    assert.match(row.contextValue, /:hasResult:/);
    assert.match(row.contextValue, /:rerunnable:/);
    assert.doesNotMatch(row.contextValue, /:cancelable:/);
  });

  it('lists the devnet provider with its capacity and price', async () => {
    await vscode.commands.executeCommand('orangeCloud.providers.focus');
    const row = await until('a provider row', (s) => s.providers[0]);
    assert.match(row.description, /^\d+ cores · \d+ MB · \d+ wei\/core-s$/);
  });

  it('cancels a long job from the job view', async () => {
    // An unsaved buffer: what the editor holds is what runs.
    const sleeper = await vscode.workspace.openTextDocument({
      language: 'python',
      content:
        'import time\nprint("going to sleep", flush=True)\ntime.sleep(60)\nprint("woke up")\n',
    });
    await vscode.window.showTextDocument(sleeper);
    const running = vscode.commands.executeCommand('orangeCloud.runFile');
    const jobId = await until(
      'the long job to run',
      (s) => s.inFlight.find((r) => r.stage === 'running' && r.jobId)?.jobId,
    );
    await until('the running job in the tree', (s) =>
      s.jobs.find((j) => j.jobId === jobId && /:cancelable:/.test(j.contextValue)),
    );
    await vscode.commands.executeCommand('orangeCloud.cancelJob', {
      job: { jobId: BigInt(jobId) },
    });
    await running;
    const { lastRun } = await state();
    assert.equal(lastRun?.jobId, jobId);
    assert.equal(lastRun?.status, 'cancelled', lastRun?.output);
    assert.doesNotMatch(lastRun!.output, /woke up/);
    await until('the cancelled job in the tree', (s) =>
      s.jobs.find((j) => j.jobId === jobId && j.status === 'cancelled'),
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  after(async () => {
    // Put the editor, the hello run's output and the job view on screen, then let the
    // harness take the screenshot while the extension host (and so the views) still live.
    const hello = await vscode.workspace.openTextDocument(
      vscode.Uri.joinPath(workspace(), 'hello.py'),
    );
    await vscode.window.showTextDocument(hello);
    await vscode.commands.executeCommand('workbench.view.extension.orangeCloud');
    if (helloJobId) {
      await vscode.commands.executeCommand('orangeCloud.showOutput', {
        job: { jobId: BigInt(helloJobId) },
      });
    }
    await vscode.commands.executeCommand('orangeCloud.providers.focus');
    await vscode.commands.executeCommand('orangeCloud.jobs.focus');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.window.showTextDocument(hello);
    await sleep(1500);
    const done = process.env.ORANGE_E2E_SCREENSHOT_DONE;
    if (!done) return;
    console.log('orange-e2e:screenshot');
    for (let i = 0; i < 80 && !existsSync(done); i++) await sleep(250);
  });
});
