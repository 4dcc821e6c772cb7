import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { JobOutputs, JobResult, RequesterSession, SavedOutputs } from '@orange-cloud/sdk';
import { RunHistory, historyScope } from '../jobs/run-history.js';
import type { RunChannels } from '../run/run-channels.js';
import type { SessionManager } from '../session/session-manager.js';
import type { Settings } from '../settings/settings.js';
import { JobOutputsCommand } from './job-outputs-command.js';

const market = '0x00000000000000000000000000000000000000aa';
const wallet = '0x00000000000000000000000000000000000000bb';
const scope = historyScope(market, 31337, wallet);

const outputs: JobOutputs = {
  cid: 'bafy',
  sealedBytes: 4096,
  files: [{ path: 'plot.png', bytes: 100, sha256: 'a'.repeat(64) }],
  skipped: [],
  truncated: false,
  partial: false,
};

const binding = {
  chainId: 31337,
  market: '0x0000000000000000000000000000000000000001',
  jobId: '7',
} as const;

function setup(result: Partial<JobResult>, workspaceFolders: Record<string, string> = {}) {
  const values = new Map<string, unknown>();
  const history = new RunHistory({
    get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
    update: async (key: string, value: unknown) => void values.set(key, value),
    keys: () => [...values.keys()],
  } as vscode.Memento);
  const saves: string[] = [];
  // The SDK's saveOutputs makes a fresh folder: <jobId>-2 when <jobId> exists.
  const saveOutputs = async (jobId: bigint, listed: JobOutputs, parentDir: string) => {
    saves.push(parentDir);
    const dir = `${parentDir}/${jobId}-2`;
    const files = listed.files.map((f) => ({ ...f, savedPath: `${dir}/${f.path}` }));
    return { dir, files, skipped: [], truncated: false, partial: false } as SavedOutputs;
  };
  const session = {
    market: { address: market, connection: { chainId: 31337 } },
    address: wallet,
    index: { jobs: new Map([[7n, { name: 'main.py' }]]) },
    result: async () => result as JobResult,
    saveOutputs,
  } as unknown as RequesterSession;
  const lines: string[] = [];
  const opened: string[] = [];
  const informed: string[] = [];
  const folder = (fsPath: string) => ({ uri: { fsPath } });
  const vs = {
    ProgressLocation: { Notification: 15 },
    ViewColumn: { Beside: -2 },
    Uri: {
      parse: (uri: string) => ({ uri }),
      file: (fsPath: string) => ({ fsPath }),
    },
    window: {
      withProgress: (_: unknown, task: () => Promise<unknown>) => task(),
      showInformationMessage: async (text: string) => void informed.push(text),
    },
    workspace: {
      workspaceFolders: [folder('/first')],
      getWorkspaceFolder: ({ uri }: { uri: string }) => {
        const found = Object.entries(workspaceFolders).find(([prefix]) => uri.startsWith(prefix));
        return found ? folder(found[1]) : undefined;
      },
    },
    commands: {
      executeCommand: async (_: string, uri: { fsPath: string }) => void opened.push(uri.fsPath),
    },
  } as unknown as typeof vscode;
  const channels = {
    create: () => ({ appendLine: (l: string) => lines.push(l), channel: { show() {} } }),
  } as unknown as RunChannels;
  const command = new JobOutputsCommand(vs, {
    sessions: { get: async () => session } as unknown as SessionManager,
    settings: () => ({ outputs: { folder: '.orange/outputs', openImages: true } }) as Settings,
    history,
    channels,
    storageDir: '/storage',
  });
  return { command, history, saves, lines, opened, informed };
}

describe('Save Returned Files', () => {
  it("saves again beside the file that ran, and shows the files under this machine's job", async () => {
    const t = setup({ binding, outputs }, { 'file:///ws/': '/ws' });
    await t.history.save(scope, {
      jobId: '7',
      fileUri: 'file:///ws/plot/main.py',
      fileName: 'main.py',
      postedAt: '2026-01-01T00:00:00.000Z',
    });
    assert.deepEqual(await t.command.save(7n), ['/ws/.orange/outputs/7-2/plot.png']);
    assert.deepEqual(t.saves, ['/ws/.orange/outputs']);
    assert.equal(t.lines[0], '[Outputs] 1 file, 100 B, saved in /ws/.orange/outputs/7-2');
    assert.deepEqual(t.opened, ['/ws/.orange/outputs/7-2/plot.png']);
    assert.deepEqual(t.history.find(scope, 7n)?.outputs, {
      dir: '/ws/.orange/outputs/7-2',
      files: [{ path: 'plot.png', bytes: 100 }],
    });
  });

  it("saves another machine's job in the first workspace folder, without a record", async () => {
    const t = setup({ binding, outputs });
    assert.deepEqual(await t.command.save(7n), ['/first/.orange/outputs/7-2/plot.png']);
    assert.equal(t.history.find(scope, 7n), undefined);
  });

  it('says so when the job returned no files', async () => {
    const t = setup({ binding });
    assert.deepEqual(await t.command.save(7n), []);
    assert.deepEqual(t.saves, []);
    assert.deepEqual(t.informed, ['Job #7 returned no files.']);
  });
});
