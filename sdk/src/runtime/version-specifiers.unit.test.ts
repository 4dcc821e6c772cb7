import assert from 'node:assert/strict';
import { requirementsSatisfiedBy } from './version-specifiers.js';
import type { RuntimeDescriptor } from './runtime-descriptor.js';

const runtime: RuntimeDescriptor = {
  name: 'python-data',
  python: '3.11.2',
  packages: [
    { name: 'numpy', version: '1.24.2', imports: ['numpy'] },
    { name: 'scikit-learn', version: '1.2.1', imports: ['sklearn'] },
    { name: 'pandas', version: '1.5.3+dfsg', imports: ['pandas'] },
    { name: 'odd', version: '1.0rc1', imports: ['odd'] },
  ],
};

const met = (requirement: string) =>
  requirementsSatisfiedBy([requirement], runtime)[0]!.satisfiedBy !== undefined;

describe('requirementsSatisfiedBy', () => {
  const cases: [string, boolean][] = [
    ['numpy', true],
    ['NumPy', true],
    ['numpy==1.24.2', true],
    ['numpy==1.24', false],
    ['numpy == 1.24.2.0', true],
    ['numpy==1.24.*', true],
    ['numpy==1.25.*', false],
    ['numpy!=1.24.*', false],
    ['numpy!=1.23.5', true],
    ['numpy!=1.24.2', false],
    ['numpy>=1.20', true],
    ['numpy>=1.25', false],
    ['numpy>1.24.2', false],
    ['numpy>1.24.1', true],
    ['numpy<=1.24.2', true],
    ['numpy<1.24.2', false],
    ['numpy<2', true],
    ['numpy>=1.20,<2', true],
    ['numpy>=1.20, <1.24', false],
    ['numpy~=1.24.0', true],
    ['numpy~=1.23.0', false],
    ['numpy~=1.20', true],
    ['numpy~=2.0', false],
    ['numpy (>=1.20)', true],
    ['scikit_learn>=1.2', true],
    ['Scikit.Learn==1.2.1', true],
    ['pandas>=1.5', true],
    ['requests', false],
    // outside the subset: shipped as declared
    ['numpy[extra]>=1', false],
    ['numpy>=1; python_version >= "3.8"', false],
    ['numpy @ file:///wheels/numpy.whl', false],
    ['numpy>=1.20rc1', false],
    ['numpy===1.24.2', false],
    ['numpy~=1', false],
    ['numpy>=1.*', false],
    ['odd>=0.9', false],
    ['', false],
  ];
  for (const [requirement, expected] of cases) {
    it(`${expected ? 'counts' : 'does not count'} "${requirement}" as met by numpy 1.24.2 / scikit-learn 1.2.1 / pandas 1.5.3+dfsg`, () => {
      assert.equal(met(requirement), expected);
    });
  }

  it('names the installed version and the normalized name of each requirement', () => {
    assert.deepEqual(requirementsSatisfiedBy(['Scikit-Learn>=1', 'requests>=2'], runtime), [
      { requirement: 'Scikit-Learn>=1', name: 'scikit-learn', satisfiedBy: '1.2.1' },
      { requirement: 'requests>=2', name: 'requests', satisfiedBy: undefined },
    ]);
  });
});
