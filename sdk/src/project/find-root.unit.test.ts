import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findProjectRoot, isWithin } from './find-root.js';

/** A file system of folders and the names each holds, for the root rule alone. */
const tree = (folders: Record<string, string[]>) => (folder: string, name: string) =>
  (folders[folder] ?? []).includes(name);

describe('findProjectRoot', () => {
  it('takes the nearest ancestor holding a marker', () => {
    const has = tree({ '/w/proj': ['pyproject.toml'], '/w': ['.git'] });
    assert.equal(findProjectRoot('/w/proj/src/app/main.py', '/w', has), '/w/proj');
  });

  for (const marker of ['pyproject.toml', 'requirements.txt', 'setup.py', 'package.json', '.git']) {
    it(`knows ${marker} as a marker`, () => {
      assert.equal(findProjectRoot('/w/p/a/main.py', '/w', tree({ '/w/p': [marker] })), '/w/p');
    });
  }

  it('finds the ceiling itself when it holds the marker', () => {
    assert.equal(findProjectRoot('/w/a/b/main.py', '/w', tree({ '/w': ['.git'] })), '/w');
  });

  it('never climbs above the ceiling: a stray .git at home does not pull in home', () => {
    const has = tree({ '/home/u': ['.git'] });
    assert.equal(findProjectRoot('/home/u/work/x/main.py', '/home/u/work', has), '/home/u/work/x');
  });

  it("falls back to the file's own folder when nothing is marked", () => {
    assert.equal(findProjectRoot('/w/a/b/main.py', '/w', tree({})), '/w/a/b');
  });

  it("takes the file's own folder for a file outside the ceiling", () => {
    assert.equal(
      findProjectRoot('/elsewhere/main.py', '/w', tree({ '/': ['.git'] })),
      '/elsewhere',
    );
  });

  it('resolves a relative entry file against the current directory', () => {
    const here = process.cwd();
    assert.equal(findProjectRoot('main.py', here, tree({})), here);
  });
});

describe('isWithin', () => {
  it('holds for the folder itself and what lies beneath it', () => {
    assert.ok(isWithin('/a/b', '/a/b'));
    assert.ok(isWithin('/a/b/c/d', '/a/b'));
    assert.ok(isWithin(join('/a/b', '..data'), '/a/b'));
  });
  it('fails for siblings with a common prefix and for parents', () => {
    assert.ok(!isWithin('/a/bc', '/a/b'));
    assert.ok(!isWithin('/a', '/a/b'));
    assert.ok(!isWithin('/x/y', '/a/b'));
  });
});
