import assert from 'node:assert/strict';
import { anchorLocalSpecs, anchorSpec } from './anchor-local-specs.js';

describe('anchoring relative file: specs to the project', () => {
  it('makes relative file: paths absolute and leaves every other spec alone', () => {
    assert.equal(
      anchorSpec('file:../dep/dep-1.0.0.tgz', '/home/u/app'),
      'file:/home/u/dep/dep-1.0.0.tgz',
    );
    assert.equal(anchorSpec('file:vendor/lib', '/home/u/app'), 'file:/home/u/app/vendor/lib');
    assert.equal(anchorSpec('file:/abs/x.tgz', '/home/u/app'), 'file:/abs/x.tgz');
    for (const spec of ['^1.2.3', 'npm:other@1', 'git+https://example.com/x.git', 'latest'])
      assert.equal(anchorSpec(spec, '/home/u/app'), spec);
  });

  it('rewrites package.json and the lockfile alike, so npm ci still sees them agree', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { dep: 'file:../dep/dep-1.0.0.tgz', lodash: '^4' } },
        'node_modules/dep': { version: '1.0.0', resolved: 'file:../dep/dep-1.0.0.tgz' },
        'node_modules/lodash': { resolved: 'https://registry.example/lodash.tgz' },
      },
    };
    const anchored = JSON.parse(anchorLocalSpecs(JSON.stringify(lock), '/w/app')) as typeof lock;
    assert.equal(anchored.packages[''].dependencies.dep, 'file:/w/dep/dep-1.0.0.tgz');
    assert.equal(anchored.packages['node_modules/dep'].resolved, 'file:/w/dep/dep-1.0.0.tgz');
    assert.equal(
      anchored.packages['node_modules/lodash'].resolved,
      'https://registry.example/lodash.tgz',
    );
    assert.equal(anchored.packages[''].dependencies.lodash, '^4');
  });
});
