import assert from 'node:assert/strict';
import { isOrangeError } from '../errors.js';
import { readInlineMetadata } from './inline-metadata.js';

const refusedWith = (code: string, text: string) => (error: unknown) =>
  isOrangeError(error) && error.code === code && error.message.includes(text);

describe('PEP 723 inline script metadata', () => {
  it('reads dependencies and requires-python from a script block', () => {
    const source = [
      '#!/usr/bin/env python3',
      '# /// script',
      '# requires-python = ">=3.10"',
      '# dependencies = [',
      '#   "requests<3",',
      '#   "rich",',
      '# ]',
      '# ///',
      'import requests',
    ].join('\n');
    assert.deepEqual(readInlineMetadata('main.py', source), {
      dependencies: ['requests<3', 'rich'],
      requiresPython: '>=3.10',
    });
  });

  it('has none when there is no block, or only blocks of other types', () => {
    assert.equal(readInlineMetadata('a.py', 'print(1)\n'), undefined);
    assert.equal(readInlineMetadata('a.py', '# /// other\n# x = 1\n# ///\n'), undefined);
  });

  it('treats an empty block as declaring nothing, and a bare "#" line as an empty TOML line', () => {
    assert.deepEqual(readInlineMetadata('a.py', '# /// script\n#\n# ///\n'), { dependencies: [] });
    assert.deepEqual(
      readInlineMetadata(
        'a.py',
        '# /// script\n# dependencies = ["a"]\n#\n# [tool.x]\n# y = 1\n# ///\n',
      ),
      { dependencies: ['a'] },
    );
  });

  it('reads CRLF sources like LF ones', () => {
    const source = '# /// script\r\n# dependencies = ["six"]\r\n# ///\r\nprint(1)\r\n';
    assert.deepEqual(readInlineMetadata('a.py', source), { dependencies: ['six'] });
  });

  it('closes the block at the last "# ///" line of the comment run (PEP 723)', () => {
    const source = [
      '# /// script',
      '# dependencies = ["a"]',
      '# [tool.doc]',
      '# text = """',
      '# ///',
      '# """',
      '# ///',
      'x = 1',
    ].join('\n');
    assert.deepEqual(readInlineMetadata('a.py', source), { dependencies: ['a'] });
  });

  it('ignores a block that is never closed, or broken by a non-comment line', () => {
    assert.equal(readInlineMetadata('a.py', '# /// script\n# dependencies = ["a"]\n'), undefined);
    assert.equal(
      readInlineMetadata('a.py', '# /// script\n# dependencies = ["a"]\nx = 1\n# ///\n'),
      undefined,
    );
    // "#x" is neither "#" alone nor "# " and text: the run ends there.
    assert.equal(readInlineMetadata('a.py', '# /// script\n#x\n# ///\n'), undefined);
  });

  it('needs the opening line exactly: "# /// script" at the start of a line', () => {
    assert.equal(
      readInlineMetadata('a.py', '  # /// script\n# dependencies = ["a"]\n# ///\n'),
      undefined,
    );
    assert.equal(
      readInlineMetadata('a.py', '#/// script\n# dependencies = ["a"]\n# ///\n'),
      undefined,
    );
  });

  it('refuses two script blocks', () => {
    const block = '# /// script\n# dependencies = ["a"]\n# ///\n';
    assert.throws(
      () => readInlineMetadata('main.py', `${block}x = 1\n${block}`),
      refusedWith('DEPENDENCIES_INVALID', 'main.py has more than one "# /// script" block'),
    );
  });

  it('refuses TOML that does not parse, and fields of the wrong type', () => {
    assert.throws(
      () => readInlineMetadata('main.py', '# /// script\n# dependencies = [\n# ///\n'),
      refusedWith(
        'DEPENDENCIES_INVALID',
        'main.py has a "# /// script" block that is not valid TOML',
      ),
    );
    assert.throws(
      () => readInlineMetadata('main.py', '# /// script\n# dependencies = "requests"\n# ///\n'),
      refusedWith('DEPENDENCIES_INVALID', '"dependencies" that is not a list of strings'),
    );
    assert.throws(
      () => readInlineMetadata('main.py', '# /// script\n# requires-python = 3.11\n# ///\n'),
      refusedWith('DEPENDENCIES_INVALID', '"requires-python" that is not a string'),
    );
  });
});
