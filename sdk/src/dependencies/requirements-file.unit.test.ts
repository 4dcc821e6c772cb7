import assert from 'node:assert/strict';
import { isOrangeError } from '../errors.js';
import { parseRequirementsFile } from './requirements-file.js';

describe('requirements.txt', () => {
  it('reads one requirement a line, dropping comments, blanks and joining continuations', () => {
    const text = [
      '\uFEFF# pinned for the demo',
      'requests>=2.31  # HTTP',
      '',
      'numpy==1.26.* ; python_version >= "3.9"',
      'rich[jupyter] \\',
      '  >=13',
      'url#fragment-is-not-a-comment',
    ].join('\r\n');
    assert.deepEqual(parseRequirementsFile('requirements.txt', text), [
      'requests>=2.31',
      'numpy==1.26.* ; python_version >= "3.9"',
      'rich[jupyter]   >=13',
      'url#fragment-is-not-a-comment',
    ]);
  });

  it('is empty for a file of comments', () => {
    assert.deepEqual(parseRequirementsFile('requirements.txt', '# nothing\n\n'), []);
  });

  for (const [line, why] of [
    ['-e .', 'is a pip option'],
    ['--index-url https://example.invalid/simple', 'is a pip option'],
    ['-r other.txt', 'is a pip option'],
    ['https://example.invalid/pkg-1.0.tar.gz', 'is a URL'],
    ['git+https://example.invalid/repo.git', 'is a URL'],
    ['file:///tmp/x.whl', 'is a URL'],
    ['pkg @ https://example.invalid/pkg.whl', 'is a direct URL reference'],
    ['./vendor/pkg', 'is a local path'],
    ['../pkg', 'is a local path'],
    ['wheels/pkg-1.0-py3-none-any.whl', 'is a local path'],
    ['pkg-1.0.tar.gz', 'is a local path'],
    ['>=1.0', 'is not a requirement'],
  ]) {
    it(`refuses ${JSON.stringify(line)} naming the line`, () => {
      assert.throws(
        () => parseRequirementsFile('requirements.txt', `six\n${line}\n`),
        (error: unknown) =>
          isOrangeError(error) &&
          error.code === 'DEPENDENCY_UNSUPPORTED' &&
          error.message.startsWith(`requirements.txt line 2: ${JSON.stringify(line)} ${why}`) &&
          /Nothing was posted/.test(error.hint ?? ''),
      );
    });
  }
});
