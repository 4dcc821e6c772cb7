import assert from 'node:assert/strict';
import { STDLIB_MODULES } from './stdlib-modules.js';

describe('STDLIB_MODULES', () => {
  it("holds Python 3.11's standard library, private modules included", () => {
    for (const name of [
      'os',
      'sys',
      'json',
      'asyncio',
      'sqlite3',
      'tomllib',
      '_thread',
      '__future__',
    ])
      assert.ok(STDLIB_MODULES.has(name), name);
    assert.equal(STDLIB_MODULES.size, 305);
  });

  it('holds no third-party module and no module that 3.11 removed', () => {
    for (const name of ['numpy', 'pip', 'setuptools', 'requests', 'distutils2', 'formatter'])
      assert.ok(!STDLIB_MODULES.has(name), name);
  });
});
