import assert from 'node:assert/strict';
import { chooseRuntime, runtimeChoiceLines } from './runtime-choice.js';
import type { ExternalImport } from './project-imports.js';
import type { RuntimeDescriptor } from './runtime-descriptor.js';

const imports = (...names: string[]): ExternalImport[] =>
  names.map((name) => ({
    name: name.replace(/\?$/, ''),
    optional: name.endsWith('?'),
    where: { path: 'main.py', line: 1 },
  }));

const python3: RuntimeDescriptor = {
  name: 'python3',
  python: '3.11.2',
  packages: [{ name: 'pip', version: '23.0.1', imports: ['pip'] }],
};
const data: RuntimeDescriptor = {
  name: 'python-data',
  python: '3.11.2',
  packages: [
    { name: 'numpy', version: '1.24.2', imports: ['numpy'] },
    { name: 'matplotlib', version: '3.6.3', imports: ['matplotlib', 'mpl_toolkits', 'pylab'] },
    { name: 'scikit-learn', version: '1.2.1', imports: ['sklearn'] },
  ],
};

describe('chooseRuntime', () => {
  it('keeps python3 when the standard library and the project are enough', () => {
    const c = chooseRuntime({ imports: [], advertised: [python3, data] });
    assert.equal(c.runtime, 'python3');
  });

  it('sends `import numpy` to python-data by itself, and says why', () => {
    const c = chooseRuntime({ imports: imports('numpy', 'sklearn'), advertised: [python3, data] });
    assert.equal(c.runtime, 'python-data');
    assert.equal(c.descriptor, data);
    assert.equal(c.reason, 'python-data has numpy and sklearn, which python3 lacks');
    assert.deepEqual(c.provided, [
      { name: 'numpy', distribution: 'numpy', version: '1.24.2' },
      { name: 'sklearn', distribution: 'scikit-learn', version: '1.2.1' },
    ]);
  });

  it('refuses with the fix when only python3 is on offer', () => {
    assert.throws(() => chooseRuntime({ imports: imports('numpy'), advertised: [python3] }), {
      code: 'IMPORTS_MISSING',
      message:
        "numpy is not available on python3: declare it in the script's dependencies, or run on python-data",
    });
  });

  it('names every missing import, and offers no runtime when none has them', () => {
    assert.throws(
      () =>
        chooseRuntime({ imports: imports('numpy', 'torch', 'jax'), advertised: [python3, data] }),
      {
        code: 'IMPORTS_MISSING',
        message:
          "numpy, torch and jax are not available on python3: declare them in the script's dependencies",
      },
    );
  });

  it('counts declared dependencies, by their advertised import names too', () => {
    const c = chooseRuntime({
      imports: imports('numpy', 'sklearn', 'requests'),
      declared: ['NumPy', 'scikit_learn', 'requests>=2'.replace(/>=.*/, '')],
      advertised: [python3, data],
    });
    assert.equal(c.runtime, 'python3');
    assert.deepEqual(c.declared, ['numpy', 'sklearn', 'requests']);
  });

  it('uses the import names the deps helper read from a wheel', () => {
    const c = chooseRuntime({
      imports: imports('yaml'),
      declared: [{ name: 'PyYAML', imports: ['yaml', '_yaml'] }],
      advertised: [python3],
    });
    assert.equal(c.runtime, 'python3');
  });

  it('does not refuse when a declared distribution of unknown import names may provide the import', () => {
    const c = chooseRuntime({
      imports: imports('yaml'),
      declared: ['pyyaml'],
      advertised: [python3],
    });
    assert.equal(c.runtime, 'python3');
    assert.deepEqual(c.unsure, ['yaml']);
  });

  it('ignores optional imports when choosing, and lists the ones the runtime lacks', () => {
    const c = chooseRuntime({ imports: imports('ujson?', 'numpy'), advertised: [python3, data] });
    assert.equal(c.runtime, 'python-data');
    assert.deepEqual(c.optionalMissing, ['ujson']);
  });

  it('takes the runtime asked for when it has the imports', () => {
    const c = chooseRuntime({ imports: [], explicit: 'python-data', advertised: [python3, data] });
    assert.deepEqual([c.runtime, c.reason], ['python-data', 'asked for']);
  });

  it('refuses an explicit runtime that lacks an import, pointing at one that has it', () => {
    assert.throws(
      () =>
        chooseRuntime({
          imports: imports('numpy'),
          explicit: 'python3',
          advertised: [python3, data],
        }),
      { message: /^numpy is not available on python3: .*, or run on python-data$/ },
    );
  });

  it('does not judge an explicit runtime it knows nothing about', () => {
    const c = chooseRuntime({
      imports: imports('numpy'),
      explicit: 'node22',
      advertised: [python3],
    });
    assert.equal(c.runtime, 'node22');
  });

  it("takes a bare name from an older provider at the catalog's word", () => {
    const c = chooseRuntime({
      imports: imports('pandas'),
      advertised: [
        { name: 'python3', packages: [] },
        { name: 'python-data', packages: [] },
      ],
    });
    assert.equal(c.runtime, 'python-data');
  });

  it('prefers python3 over other runtimes that would also do', () => {
    const c = chooseRuntime({ imports: imports('pip'), advertised: [data, python3] });
    assert.equal(c.runtime, 'python3');
  });

  it('takes the first advertised runtime that has everything', () => {
    const other: RuntimeDescriptor = { ...data, name: 'python-sci' };
    const c = chooseRuntime({ imports: imports('numpy'), advertised: [python3, other, data] });
    assert.equal(c.runtime, 'python-sci');
  });
});

describe('chooseRuntime with requirements left to the runtime', () => {
  it('sends a declared numpy>=1.20 to python-data even when nothing imports it visibly', () => {
    const c = chooseRuntime({
      imports: [],
      declared: ['numpy>=1.20'.replace(/>=.*/, '')],
      needs: ['numpy>=1.20'],
      advertised: [python3, data],
    });
    assert.equal(c.runtime, 'python-data');
    assert.equal(c.reason, 'python-data has numpy>=1.20, which python3 lacks');
  });

  it('keeps python3 when it holds what is left to it', () => {
    const c = chooseRuntime({ imports: [], needs: ['pip>=23'], advertised: [data, python3] });
    assert.equal(c.runtime, 'python3');
  });

  it("judges by the advertised version: a provider's numpy too old is no fit", () => {
    const old: RuntimeDescriptor = {
      ...data,
      packages: [{ name: 'numpy', version: '1.19.5', imports: ['numpy'] }],
    };
    assert.throws(
      () => chooseRuntime({ imports: [], needs: ['numpy>=1.20'], advertised: [python3, old] }),
      {
        code: 'DEPENDENCY_NOT_IN_RUNTIME',
        message:
          'The declared numpy>=1.20 is left to the runtime, but no runtime on offer holds it at a compatible version.',
      },
    );
    // one old provider among good ones is enough to refuse: any of them may take the job
    assert.throws(
      () =>
        chooseRuntime({ imports: [], needs: ['numpy>=1.20'], advertised: [python3, data, old] }),
      { code: 'DEPENDENCY_NOT_IN_RUNTIME' },
    );
    assert.throws(
      () =>
        chooseRuntime({
          imports: [],
          needs: ['numpy>=1.20'],
          explicit: 'python-data',
          advertised: [old],
        }),
      {
        code: 'DEPENDENCY_NOT_IN_RUNTIME',
        message:
          'The declared numpy>=1.20 is left to the runtime, but python-data does not hold it at a compatible version (its providers advertise numpy 1.19.5).',
      },
    );
  });

  it('refuses an explicit runtime that lacks it, naming the runtime that has it', () => {
    assert.throws(
      () =>
        chooseRuntime({
          imports: [],
          needs: ['numpy>=1.20', 'scikit-learn~=1.2'],
          explicit: 'python3',
          advertised: [python3, data],
        }),
      {
        code: 'DEPENDENCY_NOT_IN_RUNTIME',
        message:
          'The declared numpy>=1.20 and scikit-learn~=1.2 are left to the runtime, but python3 does not hold them at a compatible version; python-data has them.',
        hint: 'Ask for a runtime that has them, or pin a version python3 holds. Nothing was posted.',
      },
    );
  });

  it("takes a bare name at the catalog's word, and says when no provider offers the runtime", () => {
    const c = chooseRuntime({
      imports: [],
      needs: ['pandas>=1.5'],
      advertised: [
        { name: 'python3', packages: [] },
        { name: 'python-data', packages: [] },
      ],
    });
    assert.equal(c.runtime, 'python-data');
    assert.throws(
      () => chooseRuntime({ imports: [], needs: ['pandas>=1.5'], advertised: [python3] }),
      {
        code: 'DEPENDENCY_NOT_IN_RUNTIME',
        message:
          'The declared pandas>=1.5 is left to the runtime, but no runtime on offer holds it at a compatible version; python-data has it.',
        hint: 'No provider on this network offers python-data right now. To ship it as a wheel instead, ask for python3 (--runtime python3). Nothing was posted.',
      },
    );
  });
});

describe('runtimeChoiceLines', () => {
  it('never picks a runtime the market offers only with the wrong Python, python3 included', () => {
    const newer = { ...data, python: '3.12.1' };
    const c = chooseRuntime({ imports: [], advertised: [newer], unavailable: ['python3'] });
    assert.equal(c.runtime, 'python-data');
    assert.equal(c.descriptor, newer);
    assert.equal(c.reason, 'python3 is not offered with the Python the job requires');
  });

  it('names the runtime, why, and the versions it provides', () => {
    const c = chooseRuntime({ imports: imports('numpy', 'ujson?'), advertised: [python3, data] });
    assert.deepEqual(runtimeChoiceLines(c), [
      'runtime python-data: python-data has numpy, which python3 lacks (numpy 1.24.2)',
      'optional imports python-data lacks (the script handles their absence): ujson',
    ]);
  });
});
