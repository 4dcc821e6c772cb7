import * as assert from 'node:assert/strict';
import { MAX_IMAGES_OPENED, imagesToOpen, outputLines, outputNodeModel } from './output-listing.js';
import type { SavedOutputs } from '@orange-cloud/sdk';

const dir = '/ws/.orange/outputs/7';
const saved = (paths: [string, number][], extra: Partial<SavedOutputs> = {}): SavedOutputs => ({
  dir,
  files: paths.map(([path, bytes]) => ({
    path,
    bytes,
    sha256: '0'.repeat(64),
    savedPath: `${dir}/${path}`,
  })),
  skipped: [],
  truncated: false,
  partial: false,
  ...extra,
});

describe('returned files', () => {
  it('lists every saved file by its absolute path (a link in the Output view)', () => {
    assert.deepEqual(
      outputLines(
        saved([
          ['plot.png', 2_048],
          ['tables/summary.csv', 90],
        ]),
        1,
      ),
      [
        '[Outputs] 2 files, 2.1 KiB, saved in /ws/.orange/outputs/7',
        '  /ws/.orange/outputs/7/plot.png  2.0 KiB',
        '  /ws/.orange/outputs/7/tables/summary.csv  90 B',
      ],
    );
  });

  it('says what was left behind and why, and when the set may be incomplete', () => {
    const lines = outputLines(
      saved([['a.txt', 1]], {
        skipped: [
          { path: 'link', reason: 'symbolic link' },
          { path: 'huge.bin', reason: 'over the 100 MiB outputs cap' },
        ],
        truncated: true,
        partial: true,
      }),
      0,
    );
    assert.deepEqual(lines.slice(2), [
      '  left behind: link (symbolic link)',
      '  left behind: huge.bin (over the 100 MiB outputs cap)',
      "  some files did not fit under the provider's outputs cap",
      '  the job did not end on its own: files may be incomplete',
    ]);
  });

  it('says when nothing came back', () => {
    assert.deepEqual(
      outputLines(saved([], { dir: undefined, skipped: [{ path: 'fifo', reason: 'FIFO' }] }), 0),
      ['[Outputs] no file came back', '  left behind: fifo (FIFO)'],
    );
  });

  it('opens PNG, JPEG and SVG images, a few at most, in the listed order', () => {
    const files = saved([
      ['notes.txt', 1],
      ['b.PNG', 1],
      ['a.jpeg', 1],
      ['c.jpg', 1],
      ['d.svg', 1],
      ['e.png', 1],
      ['f.gif', 1],
    ]);
    assert.deepEqual(
      imagesToOpen(files).map((f) => f.path),
      ['b.PNG', 'a.jpeg', 'c.jpg', 'd.svg'],
    );
    assert.equal(MAX_IMAGES_OPENED, 4);
    assert.equal(outputLines(files, 4).at(-1), '  opened the first 4 of 5 images');
  });

  it('shows a returned file under its job in the Jobs view', () => {
    assert.deepEqual(outputNodeModel(7n, dir, { path: 'out/plot.png', bytes: 2_048 }), {
      id: 'job-7/out/out/plot.png',
      label: 'out/plot.png',
      description: '2.0 KiB',
      tooltip: 'Returned by job #7, saved as /ws/.orange/outputs/7/out/plot.png',
      icon: { id: 'file-media' },
      contextValue: ':output:',
      fsPath: '/ws/.orange/outputs/7/out/plot.png',
    });
    assert.equal(outputNodeModel('7', dir, { path: 'log.txt', bytes: 1 }).icon.id, 'file');
  });
});
