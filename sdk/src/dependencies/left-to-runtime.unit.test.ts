import assert from 'node:assert/strict';
import { RUNTIME_CATALOG, runtimesThatMayHold } from '../runtime/runtime-catalog.js';
import { leaveToRuntime } from './left-to-runtime.js';

describe('declared requirements a runtime already holds', () => {
  it('leaves numpy>=1.20 to python-data, whose image holds numpy 1.24.2, and fetches the rest', () => {
    assert.deepEqual(leaveToRuntime(['numpy>=1.20', 'orange_greeting'], RUNTIME_CATALOG), {
      fromRuntime: [{ requirement: 'numpy>=1.20', runtime: 'python-data' }],
      toFetch: ['orange_greeting'],
    });
  });

  it('fetches a version the images do not hold, and what the subset cannot read', () => {
    for (const requirement of [
      'numpy>=2',
      'numpy[extra]',
      'numpy; python_version>"3"',
      'six==1.16.0rc1',
    ])
      assert.deepEqual(leaveToRuntime([requirement], RUNTIME_CATALOG), {
        fromRuntime: [],
        toFetch: [requirement],
      });
  });

  it('leaves them all to one runtime: the one holding the most, python3 on a tie', () => {
    assert.deepEqual(leaveToRuntime(['pip'], RUNTIME_CATALOG).fromRuntime, [
      { requirement: 'pip', runtime: 'python3' },
    ]);
    assert.deepEqual(
      leaveToRuntime(['Pip>=23', 'scikit-learn~=1.2'], RUNTIME_CATALOG).fromRuntime,
      [
        { requirement: 'Pip>=23', runtime: 'python-data' },
        { requirement: 'scikit-learn~=1.2', runtime: 'python-data' },
      ],
    );
  });

  it('considers only the runtime asked for, and none the catalog does not know', () => {
    assert.deepEqual(leaveToRuntime(['numpy', 'pip'], runtimesThatMayHold('python3')), {
      fromRuntime: [{ requirement: 'pip', runtime: 'python3' }],
      toFetch: ['numpy'],
    });
    assert.deepEqual(leaveToRuntime(['pip'], runtimesThatMayHold('node22')).toFetch, ['pip']);
    assert.deepEqual(leaveToRuntime(['numpy'], []).toFetch, ['numpy']);
  });
});
