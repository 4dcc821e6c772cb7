import * as assert from 'node:assert/strict';
import type { PackedPayload } from '@orange-cloud/sdk';
import { projectLabel, projectLine } from './project-line.js';

const payload = (unsaved?: string[]): PackedPayload => ({
  root: '/ws/plot',
  entrypoint: 'main.py',
  bytes: new Uint8Array(),
  summary: {
    files: 4,
    sealedBytes: 5_160,
    largest: [
      { path: 'data/points.csv', bytes: 1_200 },
      { path: 'main.py', bytes: 640 },
      { path: 'shapes.py', bytes: 210 },
    ],
  },
  ...(unsaved ? { unsaved } : {}),
});

describe('project line', () => {
  it("says what goes in the SDK's words, where from", () => {
    assert.equal(
      projectLine(payload(), 'plot'),
      'plot: sending 4 files, 5.0 KiB sealed (largest: data/points.csv 1.2 KiB, main.py 640 B, shapes.py 210 B)',
    );
  });

  it('names the files sent as the editor holds them', () => {
    assert.match(
      projectLine(payload(['main.py', 'shapes.py']), 'plot'),
      /\); unsaved changes sent: main\.py, shapes\.py$/,
    );
  });

  it('names the project folder as the user knows it', () => {
    assert.equal(projectLabel('/ws/plot', '/ws', false), 'plot');
    assert.equal(projectLabel('/ws/a/b', '/ws', false), 'a/b');
    assert.equal(projectLabel('/ws', '/ws', false), 'ws');
    assert.equal(projectLabel('/tmp/scratch', undefined, false), '/tmp/scratch');
    assert.equal(projectLabel('/elsewhere', '/ws', false), '/elsewhere');
    assert.equal(projectLabel('/ws', '/ws', true), 'the file alone');
  });
});
