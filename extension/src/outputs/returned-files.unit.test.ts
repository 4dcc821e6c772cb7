import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { SavedOutputs } from '@orange-cloud/sdk';
import { ReturnedFiles } from './returned-files.js';

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

const file = (path: string, bytes = 1) => ({
  path,
  bytes,
  sha256: '0'.repeat(64),
  savedPath: `/o/7/${path}`,
});
const saved = (...files: ReturnType<typeof file>[]): SavedOutputs => ({
  dir: '/o/7',
  files,
  skipped: [],
  truncated: false,
  partial: false,
});

describe('ReturnedFiles', () => {
  it('lists what the SDK saved, and says how many images will open', () => {
    const lines: string[] = [];
    const sink = { appendLine: (line: string) => lines.push(line) };
    const many = saved(...['a', 'b', 'c', 'd', 'e'].map((n) => file(`${n}.png`, 100)));
    new ReturnedFiles(fakeVs().vs).list(many, sink, true);
    assert.equal(lines[0], '[Outputs] 5 files, 500 B, saved in /o/7');
    assert.equal(lines.at(-1), '  opened the first 4 of 5 images');
    lines.length = 0;
    new ReturnedFiles(fakeVs().vs).list(many, sink, false);
    assert.equal(lines.length, 6, 'no word about opening when images stay closed');
  });

  it('opens the images in the image preview, falling back to what VS Code picks', async () => {
    const files = saved(file('data.csv'), file('plot.png'), file('fig.svg'));
    const preview = fakeVs();
    assert.deepEqual(await new ReturnedFiles(preview.vs).openImages(files), [
      '/o/7/plot.png',
      '/o/7/fig.svg',
    ]);
    assert.deepEqual(
      preview.calls.map((c) => c.command),
      ['vscode.openWith', 'vscode.openWith'],
    );
    const plain = fakeVs(['vscode.openWith']);
    await new ReturnedFiles(plain.vs).openImages(files);
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
