import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkInstallScripts,
  installScriptsOf,
  listPackages,
  withInstallScripts,
} from './install-scripts.js';

describe('install scripts in a prepared npm tree', () => {
  it('finds the scripts npm would run, and node-gyp for a lone binding.gyp', () => {
    assert.deepEqual(
      installScriptsOf(
        { scripts: { postinstall: 'node build.js', test: 'mocha', prepare: 'tsc' } },
        false,
      ),
      { postinstall: 'node build.js' },
    );
    assert.deepEqual(installScriptsOf({}, true), { install: 'node-gyp rebuild' });
    assert.deepEqual(installScriptsOf({ scripts: { install: 'prebuild-install' } }, true), {
      install: 'prebuild-install',
    });
    assert.deepEqual(installScriptsOf({ scripts: { preinstall: ' ' } }, false), {});
  });

  it('lists nested and scoped packages, dependencies before dependents', async () => {
    const root = await mkdtemp(join(tmpdir(), 'orange-npm-tree-'));
    const write = async (path: string, manifest: object, gyp = false) => {
      await mkdir(join(root, path), { recursive: true });
      await writeFile(join(root, path, 'package.json'), JSON.stringify(manifest));
      if (gyp) await writeFile(join(root, path, 'binding.gyp'), '{}');
    };
    try {
      await write('node_modules/plain', { name: 'plain', version: '1.0.0' });
      await write('node_modules/app-dep', {
        name: 'app-dep',
        version: '2.0.0',
        scripts: { postinstall: 'node setup.js' },
      });
      await write(
        'node_modules/app-dep/node_modules/inner',
        { name: 'inner', version: '0.1.0' },
        true,
      );
      await write('node_modules/@scope/native', {
        name: '@scope/native',
        version: '3.0.0',
        scripts: { install: 'node-gyp-build' },
      });
      const packages = await listPackages(root);
      assert.deepEqual(
        packages.map((p) => p.path),
        [
          'node_modules/app-dep/node_modules/inner',
          'node_modules/@scope/native',
          'node_modules/app-dep',
          'node_modules/plain',
        ],
      );
      assert.deepEqual(
        withInstallScripts(packages).map((p) => `${p.name}@${p.version}`),
        ['inner@0.1.0', '@scope/native@3.0.0', 'app-dep@2.0.0'],
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses a tree with install scripts unless they are allowed, naming each package', () => {
    const tree = [
      { path: 'node_modules/a', name: 'a', version: '1.0.0', scripts: {} },
      {
        path: 'node_modules/b',
        name: 'b',
        version: '2.0.0',
        scripts: { postinstall: 'node x.js' },
      },
    ];
    assert.throws(() => checkInstallScripts(tree, false), {
      code: 'NPM_INSTALL_SCRIPTS',
      message: /A dependency has install scripts.*b@2\.0\.0 \(postinstall: node x\.js\)/,
    });
    assert.throws(
      () => checkInstallScripts(tree, false),
      (error: { hint?: string }) =>
        /--allow-install-scripts/.test(error.hint ?? '') &&
        /Nothing was posted/.test(error.hint ?? ''),
    );
    checkInstallScripts(tree, true);
    checkInstallScripts(tree.slice(0, 1), false);
  });
});
