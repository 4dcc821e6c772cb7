import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { RunChannel } from './run-channels.js';
import { LiveOutput } from './live-output.js';

const fakeChannel = () => {
  let shown = '';
  const channel = {
    append: (text: string) => (shown += text),
    appendLine: (line: string) => (shown += `${line}\n`),
  } as unknown as vscode.OutputChannel;
  return { run: new RunChannel(channel), shown: () => shown };
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe('LiveOutput', () => {
  it('says when output reaches the channel, not when only part of a line arrived', () => {
    const { run } = fakeChannel();
    let shownTimes = 0;
    const live = new LiveOutput(run, 60_000, undefined, () => shownTimes++);
    live.write('stdout', bytes('Hello'));
    assert.equal(shownTimes, 0);
    live.write('stdout', bytes(' there\n'));
    assert.equal(shownTimes, 1);
  });

  it('joins a character split across chunks', () => {
    const { run, shown } = fakeChannel();
    const live = new LiveOutput(run);
    const euro = bytes('€\n');
    live.write('stdout', euro.slice(0, 1));
    live.write('stdout', euro.slice(1));
    assert.equal(shown(), '€\n');
    assert.equal(live.received, true);
  });

  it('keeps the two streams decoding separately', () => {
    const { run, shown } = fakeChannel();
    const live = new LiveOutput(run);
    const e = bytes('é');
    live.write('stdout', e.slice(0, 1));
    live.write('stderr', bytes('err\n'));
    live.write('stdout', e.slice(1));
    live.endLine();
    assert.equal(shown(), 'err\né\n');
  });

  it('keeps lines whole when a stderr line arrives inside a stdout line', () => {
    const { run, shown } = fakeChannel();
    const live = new LiveOutput(run);
    live.write('stdout', bytes('sum: 42'));
    live.write('stderr', bytes('warning\n'));
    live.write('stdout', bytes('\n'));
    assert.equal(shown(), 'warning\nsum: 42\n');
  });

  it('shows a partial line (a prompt) after a short while', async () => {
    const { run, shown } = fakeChannel();
    const live = new LiveOutput(run, 10);
    live.write('stdout', bytes('Working...'));
    assert.equal(shown(), '');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(shown(), 'Working...');
  });

  it('ends a partial line before the next stage line, and only then', () => {
    const { run, shown } = fakeChannel();
    const live = new LiveOutput(run);
    live.endLine();
    assert.equal(shown(), '');
    live.write('stdout', bytes('no newline'));
    live.endLine();
    run.appendLine('[+1 s] completed');
    assert.equal(shown(), 'no newline\n[+1 s] completed\n');
  });

  it('has received nothing until some text arrives', () => {
    const { run } = fakeChannel();
    const live = new LiveOutput(run);
    live.write('stdout', new Uint8Array());
    assert.equal(live.received, false);
  });
});
