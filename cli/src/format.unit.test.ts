import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SavedOutputs } from '@orange-cloud/sdk';
import { outputsLines } from './format.js';

const file = (path: string, bytes: number) => ({
  path,
  bytes,
  sha256: '0'.repeat(64),
  savedPath: join(process.cwd(), 'orange-out', '7', path),
});

describe('the list of returned files', () => {
  it('names the folder relative to the current one, each file with its size, aligned', () => {
    const saved: SavedOutputs = {
      dir: join(process.cwd(), 'orange-out', '7'),
      files: [file('summary.json', 21), file('plots/data.bin', 2048)],
      skipped: [{ path: 'passwd', reason: 'symbolic link' }],
      truncated: true,
      partial: true,
    };
    assert.deepEqual(outputsLines(saved), [
      '2 files returned, saved in orange-out/7/',
      '  summary.json    21 B',
      '  plots/data.bin  2.0 KiB',
      'not returned: passwd (symbolic link)',
      "the job wrote more under out/ than the provider's outputs cap: not every file came back",
      'the job did not end on its own: the returned files may be incomplete (partial)',
    ]);
  });

  it('shows a folder outside the current one in full, and counts files past the first 20', () => {
    const files = Array.from({ length: 23 }, (_, i) =>
      file(`f${String(i).padStart(2, '0')}.txt`, 1),
    );
    const lines = outputsLines({
      dir: '/elsewhere/out/7',
      files,
      skipped: [],
      truncated: false,
      partial: false,
    });
    assert.equal(lines[0], '23 files returned, saved in /elsewhere/out/7/');
    assert.equal(lines.length, 1 + 20 + 1);
    assert.equal(lines.at(-1), '  … and 3 more');
  });

  it('says nothing came back only through what was skipped', () => {
    assert.deepEqual(
      outputsLines({
        dir: undefined,
        files: [],
        skipped: [{ path: 'dev/null', reason: 'device' }],
        truncated: false,
        partial: false,
      }),
      ['not returned: dev/null (device)'],
    );
  });
});
