import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputsParent } from './outputs-folder.js';

describe('checking a folder for returned files before a run', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'orange-outputs-parent-'));
  });
  afterEach(async () => {
    await chmod(root, 0o755);
    await rm(root, { recursive: true, force: true });
  });

  it('accepts an existing folder and one still to be made, and makes nothing', async () => {
    await checkOutputsParent(root);
    await checkOutputsParent(join(root, 'orange-out', 'deeper'));
    assert.deepEqual(await readdir(root), []);
  });

  it('refuses a file, or a path under a file, naming it (OUTPUTS_DIR_UNUSABLE)', async () => {
    const file = join(root, 'notes.txt');
    await writeFile(file, 'x');
    await assert.rejects(checkOutputsParent(file), {
      code: 'OUTPUTS_DIR_UNUSABLE',
      message: new RegExp(`Cannot save returned files in ${file}: it is not a folder`),
    });
    await assert.rejects(checkOutputsParent(join(file, 'sub')), {
      code: 'OUTPUTS_DIR_UNUSABLE',
      message: new RegExp(`${file} is not a folder`),
    });
  });

  it('refuses a folder it cannot write in (OUTPUTS_DIR_UNUSABLE)', async () => {
    // Root ignores permission bits; sysfs refuses new folders to everyone.
    const locked = process.getuid?.() === 0 ? '/sys' : join(root, 'locked');
    if (locked !== '/sys') {
      await mkdir(locked);
      await chmod(locked, 0o555);
    }
    await assert.rejects(checkOutputsParent(join(locked, 'orange-out')), {
      code: 'OUTPUTS_DIR_UNUSABLE',
      message: new RegExp(`${locked} cannot be written \\((EACCES|EPERM)\\)`),
    });
  });
});
