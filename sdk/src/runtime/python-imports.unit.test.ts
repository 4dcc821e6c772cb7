import assert from 'node:assert/strict';
import { scanPythonImports } from './python-imports.js';

const modules = (source: string) => scanPythonImports(source).map((i) => i.module);
const optional = (source: string) =>
  Object.fromEntries(scanPythonImports(source).map((i) => [i.module, i.optional]));

describe('scanPythonImports', () => {
  it('reads `import a.b as c, d` as two modules', () => {
    assert.deepEqual(modules('import a.b as c, d\n'), ['a.b', 'd']);
  });

  it('reads `from x.y import z` with the names it takes', () => {
    const [imp] = scanPythonImports('from x.y import z as w, v\n');
    assert.deepEqual(imp, { module: 'x.y', level: 0, names: ['z', 'v'], line: 1, optional: false });
  });

  it('reads parenthesised and continued name lists across lines', () => {
    const source = 'from pkg import (\n    a,  # first\n    b,\n)\nimport os, \\\n    numpy\n';
    const found = scanPythonImports(source);
    assert.deepEqual(found[0]!.names, ['a', 'b']);
    assert.deepEqual(
      found.map((i) => [i.module, i.line]),
      [
        ['pkg', 1],
        ['os', 5],
        ['numpy', 5],
      ],
    );
  });

  it('marks relative imports with their level', () => {
    const found = scanPythonImports('from . import helper\nfrom ..util.io import load\n');
    assert.deepEqual(
      found.map((i) => [i.level, i.module, i.names]),
      [
        [1, '', ['helper']],
        [2, 'util.io', ['load']],
      ],
    );
  });

  it('never reads imports inside strings, docstrings or comments', () => {
    const source = [
      '"""Usage:',
      'import secretmodule',
      '"""',
      "x = 'import fake'  # import commented",
      "y = f'''",
      'from nope import this',
      "'''",
      '# import numpy',
      'import real',
    ].join('\n');
    assert.deepEqual(modules(source), ['real']);
  });

  it('reads imports after `;` and in one-line compound statements', () => {
    assert.deepEqual(modules('import a; import b\nif True: import c\ndef f(): import d\n'), [
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('reads imports nested in functions and classes', () => {
    assert.deepEqual(modules('def main():\n    import pandas as pd\n    return pd\n'), ['pandas']);
  });

  for (const handler of [
    'except ImportError:',
    'except ModuleNotFoundError as e:',
    'except (ValueError, ImportError):',
    'except Exception:',
    'except:',
    'except builtins.ImportError:',
  ]) {
    it(`treats an import in a try whose handler is \`${handler}\` as optional`, () => {
      const source = `try:\n    import ujson as json\nexcept KeyError:\n    pass\n${handler}\n    import json\nimport numpy\n`;
      assert.deepEqual(optional(source), { ujson: true, json: false, numpy: false });
    });
  }

  it('keeps an import required when the handler catches something else', () => {
    const source = 'try:\n    import numpy\nexcept KeyError:\n    pass\nfinally:\n    pass\n';
    assert.deepEqual(optional(source), { numpy: false });
  });

  it('keeps imports in a try else block required, and handles a one-line try body', () => {
    const source = 'try: import fast\nexcept ImportError: fast = None\nelse:\n    import needed\n';
    assert.deepEqual(optional(source), { fast: true, needed: false });
  });

  it('treats nested try bodies by their own handlers and their enclosing ones', () => {
    const source = [
      'try:',
      '    try:',
      '        import inner',
      '    except KeyError:',
      '        pass',
      'except ImportError:',
      '    pass',
      'try:',
      '    import outer',
      'except KeyError:',
      '    pass',
    ].join('\n');
    assert.deepEqual(optional(source), { inner: true, outer: false });
  });

  it('copes with CRLF line ends, a BOM, tabs and an unterminated string', () => {
    assert.deepEqual(modules('\ufeffimport a\r\nif x:\r\n\timport b\r\ns = "oops\nimport c\n'), [
      'a',
      'b',
      'c',
    ]);
  });

  it('ignores names that are not modules', () => {
    assert.deepEqual(modules('import\nimport 3d\nfrom import x\nimported = 1\nfromage = 2\n'), []);
  });
});
