import * as assert from 'node:assert/strict';
import { frameLinks, localTracebackPaths } from './traceback-paths.js';

const root = '/home/ada/project';
const files = new Set(['/home/ada/project/src/main.py', '/home/ada/project/helper.py']);
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
});
