import * as assert from 'node:assert/strict';
import { unshownOutput } from './verified-output.js';

describe('unshownOutput', () => {
  it('shows nothing again when the live stream showed it all', () => {
    const printed = { stdout: 'going to sleep\n', stderr: '' };
    assert.deepEqual(unshownOutput(printed, printed), { kind: 'none' });
  });

  it('shows nothing again when the stored result is shorter (a cancelled run)', () => {
    assert.deepEqual(
      unshownOutput({ stdout: 'a\nb\n', stderr: 'e\n' }, { stdout: 'a\n', stderr: '' }),
      { kind: 'none' },
    );
  });

  it('shows the tail a dropped live stream missed', () => {
    assert.deepEqual(
      unshownOutput({ stdout: 'a\n', stderr: '' }, { stdout: 'a\nb\n', stderr: 'boom\n' }),
      { kind: 'rest', rest: { stdout: 'b\n', stderr: 'boom\n' } },
    );
  });

  it('says when the two disagree', () => {
    assert.deepEqual(unshownOutput({ stdout: 'a\n', stderr: '' }, { stdout: 'b\n', stderr: '' }), {
      kind: 'differs',
    });
  });
});
