// The Jobs and Providers views against a STAND-IN for graph-node (sdk/src/history/testing/
// stand-in-subgraph.ts): graph-node and matchstick cannot run on these machines, so a GraphQL
// server started here serves the query schema graph-node derives from subgraph/schema.graphql,
// from fixtures. The chain the views fall back to is the suite's real devnet.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  MarketClient,
  MarketIndex,
  generateMnemonic,
  orangeHome,
  resolveNetwork,
  walletFromSecret,
} from '@orange-cloud/sdk';
import { startStandInSubgraph, type StandInSubgraph } from '@orange-cloud/sdk/testing';

interface ViewsState {
  wallet?: string;
  jobs: { jobId: string; label: string }[];
  providers: { label: string; description: string }[];
  descriptions: { jobs?: string; providers?: string };
}

const state = () => vscode.commands.executeCommand<ViewsState>('orangeCloud.internal.testState');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: (s: ViewsState) => T | undefined): Promise<T> {
  const end = Date.now() + 120_000;
  for (;;) {
    const found = check(await state());
    if (found !== undefined && found !== false) return found;
    if (Date.now() > end)
      throw new Error(`gave up waiting for ${what}: ${JSON.stringify(await state())}`);
    await sleep(250);
  }
}

/** The text of the Orange Cloud Log, once it holds `text`. */
async function logWith(text: string): Promise<string> {
  await vscode.commands.executeCommand('orangeCloud.showLog');
  const end = Date.now() + 60_000;
  for (;;) {
    const log = vscode.workspace.textDocuments.find(
      (d) => d.uri.scheme === 'output' && d.getText().includes(text),
    );
    if (log) return log.getText();
    if (Date.now() > end)
      throw new Error(
        `no output document holds "${text}": ${vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ')}`,
      );
    await sleep(250);
  }
}

describe('the Jobs and Providers views with a subgraph (a stand-in for graph-node)', function () {
  // A per-provider job id: long, and nowhere near the devnet's own.
  const jobId = String(2n ** 64n * 5n + 1n);
  const provider = '0x5ab9a9a95ab9a9a95ab9a9a95ab9a9a95ab9a9a9';
  let standIn: StandInSubgraph | undefined;

  after(async () => {
    await vscode.workspace
      .getConfiguration('orangeCloud')
      .update('subgraphURL', undefined, vscode.ConfigurationTarget.Global);
    await standIn?.close();
  });

  it('fills the views from the subgraph, then from chain events when it lags or fails, saying so', async () => {
    const repo = process.env.ORANGE_E2E_REPO;
    assert.ok(repo, 'ORANGE_E2E_REPO names the repository (scripts/e2e.mjs sets it)');
    // The suite's wallet when one is imported (another would need a modal to replace it);
    // alone (ORANGE_E2E_GREP), a fresh one.
    let wallet = (await state()).wallet;
    if (!wallet) {
      const mnemonic = generateMnemonic();
      wallet = await vscode.commands.executeCommand<string>('orangeCloud.importWallet', {
        mnemonic,
      });
      assert.equal(wallet, walletFromSecret({ mnemonic }).account.address);
    }
    const me = wallet.toLowerCase();
    const market = new MarketClient(await resolveNetwork('devnet', orangeHome()));
    // What the chain's events say this wallet's jobs are: what the views fall back to.
    const index = new MarketIndex(market);
    await index.sync();
    const chainJobs = index
      .jobsOf(wallet as `0x${string}`)
      .map((job) => String(job.jobId))
      .sort();
    standIn = await startStandInSubgraph({
      schemaGraphql: readFileSync(join(repo, 'subgraph/schema.graphql'), 'utf8'),
      fixtures: {
        Job: [
          {
            id: jobId,
            jobId,
            requester: me,
            provider,
            offerNonce: '1',
            name: 'from-the-subgraph.py',
            runtime: 'python3',
            cores: 1,
            memoryMb: 512,
            timeoutSec: 60,
            pricePerCoreSecond: '1000',
            manifestCid: 'bafymanifest',
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
          },
        ],
        Requester: [{ id: me, jobCount: 1, firstHireAt: '1' }],
        Provider: [
          {
            id: provider,
            cores: 63,
            memoryMb: 12345,
            pricePerCoreSecond: '1000',
            runtimes: 'python3',
            endpoint: 'http://127.0.0.1:1',
            ipfsPeers: '',
            active: true,
          },
        ],
      },
      indexedBlock: Number(await market.publicClient.getBlockNumber()),
    });

    await vscode.workspace
      .getConfiguration('orangeCloud')
      .update('subgraphURL', standIn.url, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.view.extension.orangeCloud');
    await vscode.commands.executeCommand('orangeCloud.jobs.focus');
    const row = await until('the Jobs view filled from the subgraph', (s) =>
      s.descriptions.jobs === 'from the subgraph'
        ? s.jobs.find((j) => j.label === 'from-the-subgraph.py')
        : undefined,
    );
    assert.equal(row.jobId, jobId);
    await vscode.commands.executeCommand('orangeCloud.providers.focus');
    await until(
      'the Providers view filled from the subgraph',
      (s) =>
        s.descriptions.providers === 'from the subgraph' &&
        s.providers.length === 1 &&
        /^63 cores · 12345 MB · /.test(s.providers[0]!.description),
    );

    // Far behind the chain head (more than 20 blocks): the views read the devnet's events.
    standIn.indexedBlock = 0;
    await vscode.commands.executeCommand('orangeCloud.refresh');
    await vscode.commands.executeCommand('orangeCloud.jobs.focus');
    await vscode.commands.executeCommand('orangeCloud.providers.focus');
    const behind = /^from chain events: subgraph (\d+) blocks behind$/;
    const lagging = await until('the views falling back on lag', (s) =>
      behind.test(s.descriptions.jobs ?? '') && behind.test(s.descriptions.providers ?? '')
        ? s
        : undefined,
    );
    // The devnet's own rows: this wallet's jobs on the chain, and providers not the stand-in's.
    assert.deepEqual(lagging.jobs.map((j) => j.jobId).sort(), chainJobs);
    assert.ok(lagging.providers.length > 0, 'the devnet provider');
    assert.ok(lagging.providers.every((p) => !/^63 cores · 12345 MB/.test(p.description)));
    assert.match(
      await logWith('blocks behind the chain'),
      /job history: the subgraph is \d+ blocks behind the chain \(at block 0, head \d+, more than 20\): reading the chain's events instead/,
    );

    // Failing: the same fallback, said so.
    standIn.failing = true;
    await vscode.commands.executeCommand('orangeCloud.refresh');
    await vscode.commands.executeCommand('orangeCloud.jobs.focus');
    await vscode.commands.executeCommand('orangeCloud.providers.focus');
    await until(
      'the views falling back on failure',
      (s) =>
        s.descriptions.jobs === 'from chain events: subgraph failed' &&
        s.descriptions.providers === 'from chain events: subgraph failed',
    );
    assert.match(
      await logWith(' failed ('),
      new RegExp(
        `job history: the subgraph at ${standIn.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} failed \\(.*\\): reading the chain's events instead`,
      ),
    );
  });
});
