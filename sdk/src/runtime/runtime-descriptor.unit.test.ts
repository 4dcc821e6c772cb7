import assert from 'node:assert/strict';
import {
  advertisableRuntime,
  encodeRuntimes,
  parseRuntimes,
  readAdvertisedRuntimes,
  type RuntimeDescriptor,
} from './runtime-descriptor.js';

const data: RuntimeDescriptor = {
  name: 'python-data',
  python: '3.11.2',
  platform: 'linux-x86_64',
  libc: 'glibc-2.36',
  packages: [
    { name: 'scikit-learn', version: '1.2.1', imports: ['sklearn'] },
    { name: 'numpy', version: '1.24.2', imports: ['numpy'] },
    { name: 'matplotlib', version: '3.6.3', imports: ['pylab', 'matplotlib', 'mpl_toolkits'] },
  ],
};

describe('runtime descriptors', () => {
  it('encodes compactly: sorted packages, import names only where they differ from the name', () => {
    assert.equal(
      encodeRuntimes([{ name: 'python3', packages: [] }, data]),
      'python3,python-data@3.11.2/linux-x86_64/glibc-2.36[matplotlib=3.6.3:matplotlib+mpl_toolkits+pylab,numpy=1.24.2,scikit-learn=1.2.1:sklearn]',
    );
  });

  it('reads back what it wrote', () => {
    const [plain, read] = parseRuntimes(encodeRuntimes([{ name: 'python3', packages: [] }, data]));
    assert.deepEqual(plain, { name: 'python3', packages: [] });
    assert.equal(read!.python, '3.11.2');
    assert.equal(read!.libc, 'glibc-2.36');
    assert.deepEqual(
      read!.packages.find((p) => p.name === 'scikit-learn'),
      { name: 'scikit-learn', version: '1.2.1', imports: ['sklearn'] },
    );
    assert.deepEqual(read!.packages.find((p) => p.name === 'numpy')!.imports, ['numpy']);
  });

  it("keeps an older provider's plain names readable", () => {
    assert.deepEqual(
      parseRuntimes('python3, python-data').map((r) => r.name),
      ['python3', 'python-data'],
    );
    assert.deepEqual(parseRuntimes(''), []);
  });

  it('reads a runtime with a Python version and no platform or packages', () => {
    assert.deepEqual(parseRuntimes('python3@3.12.1[]'), [
      { name: 'python3', python: '3.12.1', packages: [] },
    ]);
  });

  it('reads a distribution whose default import name has an underscore', () => {
    const [r] = parseRuntimes('p@3.11.2[python-dateutil=2.8.2]');
    assert.deepEqual(r!.packages[0]!.imports, ['python_dateutil']);
  });

  const hostile: [string, string][] = [
    ['an ANSI escape in a name', 'python3\u001b[31m'],
    ['a newline', 'python3\nrm -rf'],
    ['an upper-case runtime name', 'Python3'],
    ['an empty entry', 'python3,,python-data'],
    ['a runtime named twice', 'python3,python3'],
    ['unbalanced brackets', 'p@3.11[numpy=1'],
    ['nested brackets', 'p@3.11[[numpy=1]]'],
    ['a closing bracket alone', 'p]'],
    ['text after the package list', 'p@3.11[numpy=1]x'],
    ['a version that is not one', 'p@three[numpy=1]'],
    ['a package without a version', 'p@3.11[numpy]'],
    ['a package named twice', 'p@3.11[numpy=1,numpy=2]'],
    ['an unnormalized distribution name', 'p@3.11[Scikit_Learn=1.2]'],
    ['an import name that is not an identifier', 'p@3.11[x=1:os.path]'],
    ['an import name with a quote', "p@3.11[x=1:a'b]"],
    ['a control character in a version', 'p@3.11[x=1\u0007]'],
    ['a platform with a slash', 'p@3.11/linux/x86/glibc-2.36/more[]'],
    ['a libc that is not one', 'p@3.11/linux-x86_64/glibc[]'],
    ['a string over the size cap', `p@3.11[${'a=1,'.repeat(3000)}b=1]`],
    ['too many runtimes', Array.from({ length: 17 }, (_, i) => `r${i}`).join(',')],
    ['too many packages', `p@3.11[${Array.from({ length: 513 }, (_, i) => `p${i}=1`).join(',')}]`],
  ];
  for (const [what, text] of hostile) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseRuntimes(text), { code: 'RUNTIMES_INVALID' });
      assert.deepEqual(readAdvertisedRuntimes(text), []);
    });
  }

  it('never quotes a control character from a hostile string in its message', () => {
    assert.throws(
      () => parseRuntimes('p@3.11[x=\u001b[2J]'),
      (e: Error) => [...e.message].every((c) => c >= ' ' && c <= '~'),
    );
  });

  it('refuses to encode what it could not read back', () => {
    assert.throws(
      () =>
        encodeRuntimes([{ ...data, packages: [{ name: 'a,b', version: '1', imports: ['a'] }] }]),
      { code: 'RUNTIMES_INVALID' },
    );
    assert.throws(() => encodeRuntimes([]), { code: 'RUNTIMES_INVALID' });
    assert.throws(
      () =>
        encodeRuntimes([{ name: 'x', packages: [{ name: 'a', version: '1', imports: ['a'] }] }]),
      { code: 'RUNTIMES_INVALID' },
    );
  });
});

describe('advertisableRuntime', () => {
  it('normalizes names, keeps identifier imports and drops what cannot be written', () => {
    const { runtime, dropped } = advertisableRuntime({
      name: 'python-data',
      python: '3.11.2',
      platform: 'linux-x86_64',
      libc: 'glibc-2.36',
      packages: [
        { name: 'Pillow', version: '9.4.0', imports: ['PIL'] },
        { name: 'pythran', version: '0.11.0', imports: ['pythran', 'pythran/pythonic'] },
        { name: 'sympy', version: '1.11.1', imports: [] },
        { name: 'evil\u001b[2J', version: '1', imports: ['x'] },
        { name: 'odd', version: '1 0', imports: ['odd'] },
        { name: 'pillow', version: '10', imports: ['PIL'] },
      ],
    });
    assert.deepEqual(runtime.packages, [
      { name: 'pillow', version: '9.4.0', imports: ['PIL'] },
      { name: 'pythran', version: '0.11.0', imports: ['pythran'] },
      { name: 'sympy', version: '1.11.1', imports: ['sympy'] },
    ]);
    assert.deepEqual(dropped, ['evil?[2J', 'odd', 'pillow']);
  });

  it('refuses a runtime whose own facts are not valid', () => {
    assert.throws(() => advertisableRuntime({ name: 'x', python: '3.11; rm', packages: [] }), {
      code: 'RUNTIMES_INVALID',
    });
  });
});
