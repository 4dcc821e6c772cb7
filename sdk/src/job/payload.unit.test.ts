import assert from 'node:assert/strict';
import { MAX_SCRIPT_BYTES, packScript, unpackPayload } from './payload.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const PNG_HEADER = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

describe('script payload', () => {
  it('packs a script and unpacks it to the same file and entrypoint', () => {
    const source = 'import sys\nprint("héllo ✓", file=sys.stderr)\n';
    const packed = packScript({ fileName: 'main.py', bytes: utf8(source) });
    assert.deepEqual(unpackPayload(packed), {
      version: 1,
      entrypoint: 'main.py',
      files: [{ path: 'main.py', content: source }],
    });
  });

  it('accepts a script of exactly 1 MiB', () => {
    const bytes = utf8(`#${'x'.repeat(MAX_SCRIPT_BYTES - 2)}\n`);
    assert.equal(
      unpackPayload(packScript({ fileName: 'big.py', bytes })).files[0]!.content.length,
      MAX_SCRIPT_BYTES,
    );
  });

  for (const [name, bytes] of [
    ['empty', new Uint8Array(0)],
    ['whitespace-only', utf8(' \n\t\r\n  \n')],
  ] as const) {
    it(`rejects an ${name} script with EMPTY_SCRIPT`, () => {
      assert.throws(() => packScript({ fileName: 'job.py', bytes }), {
        name: 'OrangeError',
        code: 'EMPTY_SCRIPT',
        message: /job\.py is empty/,
      });
    });
  }

  for (const [name, bytes] of [
    ['a PNG image', PNG_HEADER],
    ['invalid UTF-8', Uint8Array.from([0x70, 0x72, 0x69, 0x6e, 0x74, 0xc3, 0x28])],
    ['a NUL byte in text', utf8('print(1)\0\n')],
    ['Latin-1 text', Uint8Array.from([0x23, 0x20, 0xe9, 0x0a])],
  ] as const) {
    it(`rejects ${name} with BINARY_SCRIPT naming the file`, () => {
      assert.throws(() => packScript({ fileName: 'photo.py', bytes }), {
        code: 'BINARY_SCRIPT',
        message: /photo\.py is not text: only UTF-8 Python source can run/,
      });
    });
  }

  it('rejects a script over 1 MiB with SCRIPT_TOO_LARGE', () => {
    const bytes = utf8('#'.repeat(MAX_SCRIPT_BYTES + 1));
    assert.throws(() => packScript({ fileName: 'big.py', bytes }), {
      code: 'SCRIPT_TOO_LARGE',
      message: /1048577 bytes/,
    });
  });

  for (const fileName of [
    'main.txt',
    'main',
    '.py',
    'dir/main.py',
    '..\\main.py',
    '-m.py',
    '.hidden.py',
    'a\nb.py',
    'main.PY',
  ]) {
    it(`rejects the file name ${JSON.stringify(fileName)} with UNSUPPORTED_FILE`, () => {
      assert.throws(() => packScript({ fileName, bytes: utf8('print(1)\n') }), {
        code: 'UNSUPPORTED_FILE',
      });
    });
  }
});

describe('unpackPayload', () => {
  const pack = (value: unknown) => utf8(JSON.stringify(value));
  const valid = {
    version: 1,
    entrypoint: 'main.py',
    files: [{ path: 'main.py', content: 'print(1)' }],
  };
  const withPath = (path: string) => ({
    ...valid,
    files: [...valid.files, { path, content: 'x' }],
  });

  it('accepts nested relative paths', () => {
    assert.equal(unpackPayload(pack(withPath('lib/util/helpers.py'))).files.length, 2);
  });

  for (const path of [
    '../escape.py',
    'lib/../../x',
    '/etc/passwd',
    'C:/x.py',
    'lib\\x.py',
    'a//b',
    './a',
    'a/',
    'a\0b',
    '',
  ]) {
    it(`rejects the unsafe path ${JSON.stringify(path)} with PAYLOAD_INVALID`, () => {
      assert.throws(() => unpackPayload(pack(withPath(path))), {
        name: 'OrangeError',
        code: 'PAYLOAD_INVALID',
        message: /field "files\[1\]\.path" must be a safe relative path/,
      });
    });
  }

  for (const [name, value, field] of [
    ['a missing entrypoint', { version: 1, files: valid.files }, /field "entrypoint" is missing/],
    [
      'an entrypoint not among the files',
      { ...valid, entrypoint: 'other.py' },
      /field "entrypoint" names "other.py"/,
    ],
    ['an unknown version', { ...valid, version: 2 }, /field "version" must be 1/],
    ['no files', { ...valid, files: [] }, /field "files" must be a list/],
    ['duplicate paths', withPath('main.py'), /field "files\[1\]\.path" repeats/],
    [
      'non-string content',
      { ...valid, files: [{ path: 'main.py', content: 1 }] },
      /field "files\[0\]\.content" must be a string/,
    ],
    ['an extra field', { ...valid, env: {} }, /field "env" is not allowed/],
    ['a top-level array', [valid], /document must be an object/],
  ] as const) {
    it(`rejects ${name} with PAYLOAD_INVALID`, () => {
      assert.throws(() => unpackPayload(pack(value)), { code: 'PAYLOAD_INVALID', message: field });
    });
  }

  it('rejects bytes that are not UTF-8 JSON', () => {
    assert.throws(() => unpackPayload(PNG_HEADER), {
      code: 'PAYLOAD_INVALID',
      message: /not UTF-8 JSON/,
    });
  });
});
