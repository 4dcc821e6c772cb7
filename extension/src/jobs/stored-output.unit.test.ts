import * as assert from 'node:assert/strict';
import { storedOutputText } from './stored-output.js';

describe("a stored result's output (Show Output on an earlier job)", () => {
  it('shows stdout and stderr in the order the program printed them', () => {
    const result = {
      stdout: 'loading\nstep 2\n',
      stderr: 'warning: slow\nTraceback (most recent call last):\nValueError\n',
      interleaving: [
        { stream: 'stdout' as const, length: 8 },
        { stream: 'stderr' as const, length: 14 },
        { stream: 'stdout' as const, length: 7 },
        { stream: 'stderr' as const, length: 46 },
      ],
    };
    assert.equal(
      storedOutputText(result),
      'loading\nwarning: slow\nstep 2\nTraceback (most recent call last):\nValueError\n',
    );
  });

  it('keeps a line that starts on one stream and ends on the other whole', () => {
    const result = {
      stdout: 'progress: done\n',
      stderr: '50%…',
      interleaving: [
        { stream: 'stdout' as const, length: 10 },
        { stream: 'stderr' as const, length: 4 },
        { stream: 'stdout' as const, length: 5 },
      ],
    };
    assert.equal(storedOutputText(result), 'progress: 50%…done\n');
  });

  it('without an interleaving (or one that does not add up), marks where stderr begins', () => {
    const streams = { stdout: 'out', stderr: 'err\n' };
    assert.equal(storedOutputText(streams), 'out\n[stderr]\nerr\n');
    assert.equal(
      storedOutputText({ ...streams, interleaving: [{ stream: 'stderr', length: 9 }] }),
      'out\n[stderr]\nerr\n',
    );
    assert.equal(storedOutputText({ stdout: 'only\n', stderr: '' }), 'only\n');
    assert.equal(storedOutputText({ stdout: '', stderr: '' }), '');
  });
});
