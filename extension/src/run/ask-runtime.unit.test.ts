import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { askRuntime } from './ask-runtime.js';
import { scriptFileName } from './script-source.js';

/** A stand-in for VS Code's window: answers the quick pick with the row `pick` chooses. */
function fakeVs(pick: (labels: string[]) => string | undefined) {
  const shown: string[][] = [];
  const vs = {
    window: {
      showQuickPick: (items: { label: string }[]) => {
        const labels = items.map((i) => i.label);
        shown.push(labels);
        const label = pick(labels);
        return Promise.resolve(items.find((i) => i.label === label));
      },
    },
  } as unknown as typeof vscode;
  return { vs, shown };
}

const market = ['python3', 'python-data', 'node', 'wasi'].map((name) => ({ name }));

describe('Run with Options: the runtime step', () => {
  it('offers Automatic and the runtimes on offer for a .py, and returns the one picked', async () => {
    const { vs, shown } = fakeVs(() => 'python-data');
    assert.equal(await askRuntime(vs, 'src/main.py', market), 'python-data');
    assert.deepEqual(shown, [['Automatic', 'python3', 'python-data']]);
  });

  it('returns undefined for Automatic and null when the user escapes', async () => {
    assert.equal(await askRuntime(fakeVs(() => 'Automatic').vs, 'main.py', market), undefined);
    assert.equal(await askRuntime(fakeVs(() => undefined).vs, 'main.py', market), null);
  });

  it('asks nothing when one runtime runs the file (.js, .wasm) or none is offered', async () => {
    const { vs, shown } = fakeVs(() => 'node');
    assert.equal(await askRuntime(vs, 'main.js', market), undefined);
    assert.equal(await askRuntime(vs, 'hello.wasm', market), undefined);
    assert.equal(await askRuntime(vs, 'main.py', [{ name: 'node' }]), undefined);
    assert.deepEqual(shown, []);
  });
});

describe('the name a run goes under', () => {
  it('keeps a runnable name and gives an untitled buffer its language ending', () => {
    assert.equal(scriptFileName('/w/app/main.mjs', 'javascript'), 'main.mjs');
    assert.equal(scriptFileName('/w/hello.wasm', ''), 'hello.wasm');
    assert.equal(scriptFileName('Untitled-1', 'python'), 'Untitled-1.py');
    assert.equal(scriptFileName('Untitled-2', 'javascript'), 'Untitled-2.js');
    assert.equal(scriptFileName('notes', 'plaintext'), 'notes');
  });
});
