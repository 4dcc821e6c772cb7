import assert from 'node:assert/strict';
import { parseRuntimes } from '../runtime/runtime-descriptor.js';
import { runtimesForPython, wheelTarget } from './offered-python.js';

const declared = (requiresPython?: string) => ({
  file: 'main.py',
  ...(requiresPython ? { requiresPython } : {}),
});

describe('requires-python against what the market offers, and the wheel target', () => {
  // three providers: what each registered
  const market = [
    ...parseRuntimes(
      'python3@3.11.2/linux-x86_64/glibc-2.36[],python-data@3.12.1/linux-x86_64/glibc-2.36[]',
    ),
    ...parseRuntimes('python3,odd'),
    ...parseRuntimes('python3@3.13.0/linux-x86_64/glibc-2.39[]'),
  ];

  it('keeps every runtime when nothing is required', () => {
    assert.deepEqual(runtimesForPython(declared(), market), { kept: market, unavailable: [] });
  });

  it("keeps the runtimes whose Python meets it, a bare name at the catalog's word", () => {
    const { kept, unavailable } = runtimesForPython(declared('>=3.12'), market);
    assert.deepEqual(
      kept.map((r) => `${r.name} ${r.python}`),
      ['python-data 3.12.1', 'python3 3.13.0'],
    );
    assert.deepEqual(unavailable, ['odd']);
    // python3 advertised by name alone runs the catalog's 3.11.2
    assert.deepEqual(
      runtimesForPython(declared('<3.12'), market).kept.map((r) => r.name),
      ['python3', 'python3'],
    );
  });

  it('refuses naming every Python on offer, an unknown one too', () => {
    assert.throws(() => runtimesForPython(declared('>=3.14'), market), {
      code: 'REQUIRES_PYTHON_UNMET',
      message:
        'main.py requires Python >=3.14, but no provider offers it (python3 has 3.11.2 and 3.13.0, python-data has 3.12.1, odd has an unknown Python).',
    });
  });

  it("takes the advertised target, else the catalog's for a bare name, else refuses", () => {
    const [advertised] = parseRuntimes('python3@3.12.4/linux-aarch64/glibc-2.39[]');
    assert.equal(
      wheelTarget('python3', advertised).label,
      'CPython 3.12 on Linux ARM64 (glibc 2.39)',
    );
    assert.equal(
      wheelTarget('python-data', undefined).label,
      'CPython 3.11 on Linux x86-64 (glibc 2.36)',
    );
    assert.throws(() => wheelTarget('odd', undefined), {
      code: 'DEPENDENCY_TARGET_UNKNOWN',
      message: /odd runtime, but its providers do not say which Python and platform it runs/,
    });
  });
});
