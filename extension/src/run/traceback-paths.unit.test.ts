import * as assert from 'node:assert/strict';
import { frameLinks, localTracebackPaths } from './traceback-paths.js';

const root = '/home/ada/project';
const files = new Set([
  '/home/ada/project/src/main.py',
  '/home/ada/project/helper.py',
  '/home/ada/project/main.js',
  '/home/ada/project/lib/util.mjs',
]);
const exists = (path: string) => files.has(path);

describe('traceback paths', () => {
  it("puts the project's local path in the provider's project-relative frames", () => {
    const traceback = [
      'Traceback (most recent call last):',
      '  File "src/main.py", line 3, in <module>',
      '    helper.boom()',
      '  File "helper.py", line 2, in boom',
      '    raise ValueError("no")',
      'ValueError: no',
      '',
    ].join('\n');
    assert.equal(
      localTracebackPaths(traceback, root, exists),
      traceback
        .replace('"src/main.py"', '"/home/ada/project/src/main.py"')
        .replace('"helper.py"', '"/home/ada/project/helper.py"'),
    );
  });

  it('leaves library frames, missing files and paths leaving the project alone', () => {
    const text = [
      '  File "/usr/lib/python3.12/json/__init__.py", line 346, in loads',
      '  File "<string>", line 1, in <module>',
      '  File "gone.py", line 4, in f',
      '  File "../outside.py", line 1, in g',
    ].join('\n');
    assert.equal(
      localTracebackPaths(text, root, () => true).split('\n')[2],
      '  File "/home/ada/project/gone.py", line 4, in f',
    );
    assert.equal(localTracebackPaths(text, root, exists), text);
  });

  it('finds the absolute frames to link, with their lines', () => {
    const line = '  File "/home/ada/project/src/main.py", line 3, in <module>';
    assert.deepEqual(frameLinks(`x\n${line}\n  File "src/rel.py", line 2, in f\n`), [
      {
        start: 2 + 8,
        end: 2 + 8 + '/home/ada/project/src/main.py'.length,
        path: '/home/ada/project/src/main.py',
        line: 3,
      },
    ]);
  });

  it("puts the project's local path in Node.js frames, leaving Node's own alone", () => {
    const stack = [
      'Error: boom',
      '    at exports.f (lib/util.mjs:1:22)',
      '    at Object.<anonymous> (main.js:2:20)',
      '    at main.js:7:1',
      '    at Module._compile (node:internal/modules/cjs/loader:1364:14)',
      '    at gone.js:1:1',
      '    at async Promise.all (index 0)',
      '',
    ].join('\n');
    assert.equal(
      localTracebackPaths(stack, root, exists),
      stack
        .replace('(lib/util.mjs:', '(/home/ada/project/lib/util.mjs:')
        .replace('(main.js:', '(/home/ada/project/main.js:')
        .replace('at main.js:', 'at /home/ada/project/main.js:'),
    );
  });

  it('finds absolute Node.js frames to link, with line and column, in text order', () => {
    const text = [
      '    at f (/home/ada/project/main.js:2:20)',
      '  File "/home/ada/project/helper.py", line 4, in g',
      '    at /home/ada/project/lib/util.mjs:7:1',
      '    at Module._compile (node:internal/modules/cjs/loader:1364:14)',
    ].join('\n');
    assert.deepEqual(
      frameLinks(text).map(({ path, line, column }) => ({ path, line, column })),
      [
        { path: '/home/ada/project/main.js', line: 2, column: 20 },
        { path: '/home/ada/project/helper.py', line: 4, column: undefined },
        { path: '/home/ada/project/lib/util.mjs', line: 7, column: 1 },
      ],
    );
  });
});
