import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { JobOutputs, JobResult } from '@orange-cloud/sdk';
import { ReturnedFiles } from './returned-files.js';
import type { SaveOutputs } from './output-saver.js';

/** The part of the VS Code API that opening images touches, recording each call. */
function fakeVs(refuse: string[] = []) {
  const calls: { command: string; path: string }[] = [];
  const vs = {
    Uri: { file: (path: string) => ({ fsPath: path }) },
    ViewColumn: { Beside: -2 },
    commands: {
      executeCommand: (command: string, uri: { fsPath: string }) => {
        calls.push({ command, path: uri.fsPath });
        return refuse.includes(command)
          ? Promise.reject(new Error(`no ${command}`))
          : Promise.resolve();
      },
    },
  } as unknown as typeof vscode;
  return { vs, calls };
}

const outputs: JobOutputs = {
  cid: 'bafy',
  sealedBytes: 4096,
  files: [
    { path: 'plot.png', bytes: 100, sha256: 'a'.repeat(64) },
    { path: 'data.csv', bytes: 10, sha256: 'b'.repeat(64) },
  ],
  skipped: [],
  truncated: false,
  partial: false,
};
const result = (withOutputs: boolean) =>
  ({ jobId: '7', ...(withOutputs ? { outputs } : {}) }) as JobResult;

describe('ReturnedFiles', () => {
  it('saves through the SDK under the outputs folder and lists what came back', async () => {
    const asked: unknown[] = [];
    const save: SaveOutputs = async (jobId, listed, parentDir) => {
      asked.push([jobId, listed, parentDir]);
      const dir = `${parentDir}/${jobId}`;
      return {
        dir,
        files: listed.files.map((f) => ({
          path: f.path,
          bytes: f.bytes,
          savedPath: `${dir}/${f.path}`,
        })),
        skipped: listed.skipped,
        truncated: false,
        partial: false,
      };
    };
    const lines: string[] = [];
    const saved = await new ReturnedFiles(fakeVs().vs).save(
      save,
      7n,
      result(true),
      '/ws/.orange/outputs',
      { appendLine: (line) => lines.push(line) },
      true,
    );
    assert.deepEqual(asked, [[7n, outputs, '/ws/.orange/outputs']]);
    assert.equal(saved?.dir, '/ws/.orange/outputs/7');
    assert.deepEqual(lines, [
      '[Outputs] 2 files, 110 B, saved in /ws/.orange/outputs/7',
      '  /ws/.orange/outputs/7/plot.png  100 B',
      '  /ws/.orange/outputs/7/data.csv  10 B',
    ]);
  });

  it('does nothing for a result without returned files', async () => {
    const save: SaveOutputs = () => assert.fail('nothing to fetch');
    const lines: string[] = [];
    const sink = { appendLine: (line: string) => lines.push(line) };
    const files = new ReturnedFiles(fakeVs().vs);
    assert.equal(await files.save(save, 7n, result(false), '/o', sink, true), undefined);
    assert.equal(await files.save(save, 7n, undefined, '/o', sink, true), undefined);
    assert.deepEqual(lines, []);
  });

  it('opens the images in the image preview, falling back to what VS Code picks', async () => {
    const saved = {
      dir: '/o/7',
      files: [
        { path: 'data.csv', bytes: 1, savedPath: '/o/7/data.csv' },
        { path: 'plot.png', bytes: 1, savedPath: '/o/7/plot.png' },
        { path: 'fig.svg', bytes: 1, savedPath: '/o/7/fig.svg' },
      ],
      skipped: [],
      truncated: false,
      partial: false,
    };
    const preview = fakeVs();
    assert.deepEqual(await new ReturnedFiles(preview.vs).openImages(saved), [
      '/o/7/plot.png',
      '/o/7/fig.svg',
    ]);
    assert.deepEqual(
      preview.calls.map((c) => c.command),
      ['vscode.openWith', 'vscode.openWith'],
    );
    const plain = fakeVs(['vscode.openWith']);
    await new ReturnedFiles(plain.vs).openImages(saved);
    assert.deepEqual(
      plain.calls.map((c) => `${c.command} ${c.path}`),
      [
        'vscode.openWith /o/7/plot.png',
        'vscode.open /o/7/plot.png',
        'vscode.openWith /o/7/fig.svg',
        'vscode.open /o/7/fig.svg',
      ],
    );
  });
});
