import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTarEntries } from '../../job/tar-entries.js';
import { packNodeModules } from './node-modules-archive.js';

describe('packing a prepared node_modules', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-node-modules-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const entries = async (tar: Buffer) =>
    (
      await readTarEntries(tar, {
        admit: () => undefined,
        unreadable: (cause) => new Error('not a tar', { cause }),
      })
    ).map((e) => [e.header.name, (e.header.mode ?? 0).toString(8)]);

  it('packs regular files sorted, with their executable bit, long nested names intact', async () => {
    const deep = `a/node_modules/${'b'.repeat(60)}/node_modules/${'c'.repeat(60)}/index.js`;
    await mkdir(join(dir, deep, '..'), { recursive: true });
    await writeFile(join(dir, deep), 'x');
    await mkdir(join(dir, 'z/bin'), { recursive: true });
    await writeFile(join(dir, 'z/bin/run'), '#!/bin/sh\n');
    await chmod(join(dir, 'z/bin/run'), 0o775);
    await writeFile(join(dir, '.package-lock.json'), '{}');
    const packed = await packNodeModules(dir);
    assert.deepEqual(await entries(packed), [
      ['.package-lock.json', '644'],
      [deep, '644'],
      ['z/bin/run', '755'],
    ]);
    assert.deepEqual(await packNodeModules(dir), packed, 'the same tree packs to the same bytes');
  });

  it('refuses a link rather than following it, naming it', async () => {
    await mkdir(join(dir, 'pkg'));
    await symlink('/etc/passwd', join(dir, 'pkg/passwd'));
    await assert.rejects(packNodeModules(dir), {
      code: 'DEPENDENCY_UNSUPPORTED',
      message: /holds "pkg\/passwd", a symbolic link, which cannot travel/,
    });
  });
});
