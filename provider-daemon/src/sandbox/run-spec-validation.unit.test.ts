import assert from 'node:assert/strict';
import { isOrangeError } from '@orange-cloud/sdk/errors';
import { validateRunSpec } from './run-spec-validation.js';
import type { RunSpec } from './types.js';

const file = (path: string, mode = 0o644) => ({ path, mode, content: new Uint8Array([1]) });

function spec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    jobId: 'job-1',
    image: 'orange-cloud/python:3',
    files: [file('main.py')],
    entrypoint: 'main.py',
    cores: 1,
    memoryMb: 128,
    timeoutSec: 10,
    outputCapBytes: 1000,
    outputsCapBytes: 1000,
    ...overrides,
  };
}

function rejects(overrides: Partial<RunSpec>, pattern: RegExp): void {
  assert.throws(
    () => validateRunSpec(spec(overrides)),
    (error: unknown) =>
      isOrangeError(error) && error.code === 'INVALID_RUN_SPEC' && pattern.test(error.message),
  );
}

describe('validateRunSpec', () => {
  it('accepts a well-formed spec with nested files', () => {
    validateRunSpec(spec({ files: [file('main.py'), file('pkg/a.py'), file('pkg/sub/b.txt')] }));
  });

  const badPaths: [string, RegExp][] = [
    ['', /empty path/],
    ['/etc/passwd', /absolute/],
    ['../x.py', /"\.\." segment/],
    ['a/../../x.py', /segment/],
    ['./main.py', /segment/],
    ['a//b.py', /segment/],
    ['dir/', /segment/],
    ['a\\b.py', /backslash/],
    ['a\0b.py', /NUL/],
  ];
  for (const [path, pattern] of badPaths) {
    it(`rejects the file path ${JSON.stringify(path)}`, () => {
      rejects({ files: [file('main.py'), file(path)] }, pattern);
    });
  }

  it('accepts executable files (755)', () => {
    validateRunSpec(spec({ files: [file('main.py'), file('run.sh', 0o755)] }));
  });
  for (const mode of [0o4755, 0o2755, 0o1755, 0o666, 0o777, 0o600, 0o120777]) {
    it(`rejects the file mode ${mode.toString(8)}`, () => {
      rejects({ files: [file('main.py'), file('x.py', mode)] }, /mode .*only 644 and 755/);
    });
  }

  it('rejects duplicate paths', () =>
    rejects({ files: [file('main.py'), file('main.py')] }, /twice/));
  it('rejects a file under another file', () =>
    rejects({ files: [file('main.py'), file('main.py/x')] }, /under/));
  it('rejects no files', () => rejects({ files: [] }, /no files/));
  it('rejects an entrypoint that is not a file', () =>
    rejects({ entrypoint: 'other.py' }, /entrypoint/));
  it('rejects an empty job id', () => rejects({ jobId: ' ' }, /job id/));
  it('rejects an empty image', () => rejects({ image: '' }, /image/));
  it('rejects zero cores', () => rejects({ cores: 0 }, /cores/));
  it('rejects NaN cores', () => rejects({ cores: Number.NaN }, /cores/));
  it('rejects a negative timeout', () => rejects({ timeoutSec: -1 }, /timeoutSec/));
  it('rejects memory below 16 MiB', () => rejects({ memoryMb: 8 }, /memoryMb/));
  it('rejects fractional memory', () => rejects({ memoryMb: 100.5 }, /memoryMb/));
  it('rejects a negative output cap', () => rejects({ outputCapBytes: -1 }, /outputCapBytes/));
});
