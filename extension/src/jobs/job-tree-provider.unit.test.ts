import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { HistoryRead, JobView } from '@orange-cloud/sdk';
import type { SessionManager } from '../session/session-manager.js';
import { JobNode, JobTreeProvider, OutputNode } from './job-tree-provider.js';
import type { LocalRunRecord } from './job-model.js';

/** The part of the VS Code API a tree provider touches. */
const vs = {
  EventEmitter: class {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  },
  TreeItem: class {
    constructor(
      readonly label: string,
      readonly collapsibleState: number,
    ) {}
  },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  Uri: { file: (fsPath: string) => ({ fsPath }) },
  commands: { executeCommand: async () => undefined },
} as unknown as typeof vscode;

const job = (jobId: bigint): JobView => ({
  jobId,
  requester: '0x0000000000000000000000000000000000000001',
  provider: '0x0000000000000000000000000000000000000002',
  offerNonce: 1n,
  name: 'main.py',
  runtime: 'python3',
  cores: 1,
  memoryMb: 512,
  timeoutSec: 60,
  pricePerCoreSecond: 1n,
  manifestCid: 'bafymanifest',
  status: 'completed',
  deadline: 1_800_000_000,
  postedBlock: 5n,
  kfrag: '0xbeef',
  startedAt: undefined,
  resultCid: 'bafyresult',
  exitCode: 0,
  flags: undefined,
  runSeconds: 1,
  failureReason: undefined,
  payment: undefined,
});
const record = (jobId: string, files: string[]): LocalRunRecord => ({
  jobId,
  fileUri: 'file:///ws/plot/main.py',
  fileName: 'main.py',
  postedAt: '2026-01-01T00:00:00.000Z',
  ...(files.length
    ? {
        outputs: {
          dir: `/ws/.orange/outputs/${jobId}`,
          files: files.map((path) => ({ path, bytes: 10 })),
        },
      }
    : {}),
});

describe('JobTreeProvider', () => {
  const records: Record<string, LocalRunRecord> = {
    '3': record('3', []),
    '2': record('2', ['plot.png', 'summary.csv']),
    '1': record('1', ['old.png']),
  };
  const ME = '0x0000000000000000000000000000000000000001';
  const sessions = {
    get: async () => ({
      address: ME,
      market: { paymentTerms: async () => ({ symbol: 'OTTx', decimals: 18 }) },
    }),
  } as unknown as SessionManager;
  const connection = { explain: (error: unknown) => error, online: () => undefined };
  /** The history reader, faked: what it answers, and whose jobs it was asked for. */
  const reader = (read: Omit<HistoryRead<JobView>, 'items'> = { source: 'chain' }) => {
    const asked: string[] = [];
    return {
      asked,
      history: () => ({
        jobsOf: async (requester: string) => {
          asked.push(requester);
          return { ...read, items: [job(1n), job(2n), job(3n)] };
        },
      }),
    };
  };
  const tree = (history = reader().history) =>
    new JobTreeProvider(vs, sessions, (j) => records[String(j.jobId)], connection, history);

  it("lists a job's returned files under it, the newest job's unfolded", async () => {
    const provider = tree();
    const roots = (await provider.getChildren()) as JobNode[];
    assert.deepEqual(
      roots.map((n) => n.model.id),
      ['job-3', 'job-2', 'job-1'],
    );
    const items = roots.map((n) => provider.getTreeItem(n));
    assert.deepEqual(
      items.map((item) => item.collapsibleState),
      [0, 2, 1],
      'none without files, the newest with files open',
    );
    // A row that gained files is a new item to VS Code, which would keep it folded otherwise.
    assert.deepEqual(
      items.map((item) => item.id),
      ['job-3', 'job-2:files', 'job-1:files'],
    );
    const children = await provider.getChildren(roots[1]);
    assert.deepEqual(
      children.map((n) => n.model.label),
      ['plot.png', 'summary.csv'],
    );
    assert.equal(
      roots[1]!.model.tooltip.split('\n').at(-1),
      'Returned files: /ws/.orange/outputs/2',
    );
  });

  it('opens a returned file on click', async () => {
    const provider = tree();
    const roots = (await provider.getChildren()) as JobNode[];
    const [plot] = (await provider.getChildren(roots[1])) as OutputNode[];
    const item = provider.getTreeItem(plot!);
    assert.equal(item.contextValue, ':output:');
    assert.deepEqual(item.command, {
      command: 'vscode.open',
      title: 'Open',
      arguments: [{ fsPath: '/ws/.orange/outputs/2/plot.png' }],
    });
    assert.deepEqual(await provider.getChildren(plot), []);
  });

  it("reads the wallet's jobs through the history reader; the description says where from", async () => {
    const cases: [Omit<HistoryRead<JobView>, 'items'>, string | undefined][] = [
      [{ source: 'chain' }, undefined],
      [{ source: 'subgraph' }, 'from the subgraph'],
      [
        {
          source: 'chain',
          fallback: { reason: 'lag', lagBlocks: 40n, indexedBlock: 960n, headBlock: 1000n },
        },
        'from chain events: subgraph 40 blocks behind',
      ],
      [
        { source: 'chain', fallback: { reason: 'error', message: 'HTTP 500' } },
        'from chain events: subgraph failed',
      ],
    ];
    for (const [read, description] of cases) {
      const fake = reader(read);
      const provider = tree(fake.history);
      const view = { description: 'before' as string | undefined };
      provider.attach(view as unknown as Parameters<typeof provider.attach>[0]);
      const roots = await provider.getChildren();
      assert.equal(roots.length, 3);
      assert.deepEqual(fake.asked, [ME]);
      assert.equal(
        view.description,
        description,
        JSON.stringify(read, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      );
    }
  });
});
