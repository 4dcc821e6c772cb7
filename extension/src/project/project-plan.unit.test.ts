import * as assert from 'node:assert/strict';
import { OrangeError } from '@orange-cloud/sdk';
import { planProject } from './project-plan.js';

const auto = { mode: 'auto' } as const;

describe('planProject', () => {
  it('finds the project under the workspace folder, never above it', () => {
    assert.deepEqual(planProject('/ws/plot/main.py', '/ws', auto), {
      alone: false,
      entryFile: '/ws/plot/main.py',
      ceiling: '/ws',
    });
  });

  it('sends the file alone when the setting says so, or when it has no folder', () => {
    assert.deepEqual(planProject('/ws/main.py', '/ws', { mode: 'file' }), { alone: true });
    assert.deepEqual(planProject(undefined, '/ws', auto), { alone: true }, 'an untitled buffer');
  });

  it('keeps a file outside every workspace folder to its own folder', () => {
    const outside = { alone: false, entryFile: '/tmp/scratch/a.py', ceiling: '/tmp/scratch' };
    assert.deepEqual(planProject('/tmp/scratch/a.py', undefined, auto), outside);
    assert.deepEqual(planProject('/tmp/scratch/a.py', '/ws', auto), outside);
    // A folder named relative to a workspace means nothing for it.
    assert.deepEqual(
      planProject('/tmp/scratch/a.py', undefined, { mode: 'folder', folder: 'src' }),
      outside,
    );
  });

  it('takes a folder named relative to the workspace folder as the root', () => {
    assert.deepEqual(planProject('/ws/a/src/main.py', '/ws', { mode: 'folder', folder: 'a' }), {
      alone: false,
      entryFile: '/ws/a/src/main.py',
      ceiling: '/ws',
      root: '/ws/a',
    });
  });

  it('refuses a named folder that climbs out of the workspace folder', () => {
    assert.throws(
      () => planProject('/ws/main.py', '/ws', { mode: 'folder', folder: '../home' }),
      (error: unknown) =>
        error instanceof OrangeError &&
        error.code === 'INVALID_SETTINGS' &&
        /outside the workspace folder \/ws/.test(error.message),
    );
  });
});
