import assert from 'node:assert/strict';
import { PYTHON3_TARGET, pythonTarget } from './python-target.js';

describe('the wheel target of a runtime', () => {
  it('is CPython 3.11.2 on glibc 2.36 x86-64 for python3 until providers advertise it', () => {
    assert.equal(PYTHON3_TARGET.runtime, 'python3');
    assert.equal(PYTHON3_TARGET.pythonVersion, '3.11.2');
    assert.deepEqual(PYTHON3_TARGET.abis, ['cp311', 'abi3', 'none']);
    assert.equal(PYTHON3_TARGET.platforms[0], 'manylinux_2_36_x86_64');
    assert.ok(PYTHON3_TARGET.platforms.includes('manylinux_2_5_x86_64'));
    assert.deepEqual(PYTHON3_TARGET.platforms.slice(-3), [
      'manylinux2014_x86_64',
      'manylinux2010_x86_64',
      'manylinux1_x86_64',
    ]);
    assert.equal(PYTHON3_TARGET.label, 'CPython 3.11 on Linux x86-64 (glibc 2.36)');
  });

  it('follows what a provider advertises', () => {
    const target = pythonTarget({
      name: 'python-data',
      python: '3.12.4',
      platform: 'linux-aarch64',
      libc: 'glibc-2.39',
    })!;
    assert.equal(target.runtime, 'python-data');
    assert.deepEqual(target.abis, ['cp312', 'abi3', 'none']);
    assert.equal(target.platforms[0], 'manylinux_2_39_aarch64');
    assert.equal(target.platforms.at(-1), 'manylinux2014_aarch64');
    assert.ok(!target.platforms.includes('manylinux_2_16_aarch64'));
  });

  it('says nothing for a runtime it cannot tag', () => {
    assert.equal(pythonTarget({ name: 'python3' }), undefined);
    assert.equal(
      pythonTarget({ name: 'x', python: '3.11.2', platform: 'linux-x86_64', libc: 'musl-1.2' }),
      undefined,
    );
    assert.equal(
      pythonTarget({
        name: 'x',
        python: '3.11.2',
        platform: 'macosx-14.0-arm64',
        libc: 'glibc-2.36',
      }),
      undefined,
    );
  });
});
