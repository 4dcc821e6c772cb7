import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickNpmDeclaration, readNpmDeclaration } from './npm-declaration.js';

describe("a Node.js project's declared npm dependencies", () => {
  const pick = (packageJson: unknown, lockfiles = {}) =>
    pickNpmDeclaration({ root: '/p', packageJson: JSON.stringify(packageJson), lockfiles });

  it('reads production and optional dependencies, never dev ones', () => {
    const declared = pick({
      dependencies: { lodash: '^4.17.21' },
      optionalDependencies: { fsevents: '^2' },
      devDependencies: { typescript: '^5' },
    });
    assert.deepEqual(declared?.dependencies, { lodash: '^4.17.21', fsevents: '^2' });
    assert.equal(declared?.lockfile, undefined);
  });

  it('declares nothing when package.json only describes the project or its dev tools', () => {
    assert.equal(pick({ type: 'module' }), undefined);
    assert.equal(pick({ dependencies: {}, devDependencies: { mocha: '*' } }), undefined);
  });

  it('honours the lockfile, a shrinkwrap before a package lock', () => {
    const both = pick(
      { dependencies: { a: '1' } },
      { 'package-lock.json': 'lock', 'npm-shrinkwrap.json': 'wrap' },
    );
    assert.deepEqual(both?.lockfile, { name: 'npm-shrinkwrap.json', text: 'wrap' });
    const lock = pick({ dependencies: { a: '1' } }, { 'package-lock.json': 'lock' });
    assert.deepEqual(lock?.lockfile, { name: 'package-lock.json', text: 'lock' });
  });

  it('refuses a package.json npm could not read either, naming the problem', () => {
    const refused = (text: string, pattern: RegExp) =>
      assert.throws(() => pickNpmDeclaration({ root: '/p', packageJson: text, lockfiles: {} }), {
        code: 'DEPENDENCIES_INVALID',
        message: pattern,
      });
    refused('{"dependencies": {', /package\.json is not valid JSON/);
    refused('[]', /is not a JSON object/);
    refused('{"dependencies": ["a"]}', /"dependencies" that is not an object/);
    refused('{"dependencies": {"a": 1}}', /declares "a" in "dependencies" with a non-string/);
  });

  it("reads the root's package.json, lockfile and .npmrc; nothing without a package.json", async () => {
    const root = await mkdtemp(join(tmpdir(), 'orange-npm-decl-'));
    try {
      assert.equal(await readNpmDeclaration(root), undefined);
      await writeFile(join(root, 'package.json'), '{"dependencies":{"a":"1.0.0"}}');
      await writeFile(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
      await writeFile(join(root, '.npmrc'), 'registry=http://localhost:1/\n');
      const declared = await readNpmDeclaration(root);
      assert.equal(declared?.root, root);
      assert.equal(declared?.lockfile?.name, 'package-lock.json');
      assert.equal(declared?.npmrc, 'registry=http://localhost:1/\n');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
