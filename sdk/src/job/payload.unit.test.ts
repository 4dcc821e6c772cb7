import assert from 'node:assert/strict';
import { pack } from 'tar-stream';
import {
  INSTALL_SCRIPTS_ALLOWED,
  MAX_SCRIPT_BYTES,
  NODE_MODULES_ARCHIVE,
  checkScript,
  packPayload,
  scriptPayload,
  unpackPayload,
  type Payload,
  type PayloadFile,
} from './payload.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const PNG_HEADER = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

describe('script payload', () => {
  it('packs a script alone and unpacks it to the same file and entrypoint', async () => {
    const source = 'import sys\nprint("héllo ✓", file=sys.stderr)\n';
    const packed = await packPayload(scriptPayload({ fileName: 'main.py', bytes: utf8(source) }));
    assert.deepEqual(await unpackPayload(packed), {
      version: 2,
      entrypoint: 'main.py',
      files: [{ path: 'main.py', mode: 0o644, content: Buffer.from(source) }],
    });
  });

  it('accepts a script of exactly 1 MiB', () => {
    checkScript({ fileName: 'big.py', bytes: utf8(`#${'x'.repeat(MAX_SCRIPT_BYTES - 2)}\n`) });
  });

  it('accepts an entry script in a subfolder of the project', () => {
    checkScript({ fileName: 'src/app/main.py', bytes: utf8('print(1)\n') });
  });

  for (const [name, bytes] of [
    ['empty', new Uint8Array(0)],
    ['whitespace-only', utf8(' \n\t\r\n  \n')],
  ] as const) {
    it(`rejects an ${name} script with EMPTY_SCRIPT`, () => {
      assert.throws(() => checkScript({ fileName: 'job.py', bytes }), {
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
      assert.throws(() => checkScript({ fileName: 'photo.py', bytes }), {
        code: 'BINARY_SCRIPT',
        message: /photo\.py is not text: only UTF-8 source \(or a \.wasm module\) can run/,
      });
    });
  }

  it('rejects a script over 1 MiB with SCRIPT_TOO_LARGE', () => {
    const bytes = utf8('#'.repeat(MAX_SCRIPT_BYTES + 1));
    assert.throws(() => checkScript({ fileName: 'big.py', bytes }), {
      code: 'SCRIPT_TOO_LARGE',
      message: /1048577 bytes/,
    });
  });

  for (const fileName of [
    'main.txt',
    'main',
    '.py',
    '../main.py',
    '/abs/main.py',
    'dir/-m.py',
    '..\\main.py',
    '-m.py',
    '.hidden.py',
    'a\nb.py',
    'main.PY',
  ]) {
    it(`rejects the file name ${JSON.stringify(fileName)} with UNSUPPORTED_FILE`, () => {
      assert.throws(() => checkScript({ fileName, bytes: utf8('print(1)\n') }), {
        code: 'UNSUPPORTED_FILE',
      });
    });
  }
});

describe('payload v2', () => {
  const project: Payload = {
    version: 2,
    entrypoint: 'src/main.py',
    files: [
      { path: 'src/main.py', mode: 0o644, content: utf8('import helper\n') },
      { path: 'helper.py', mode: 0o644, content: utf8('X = 1\n') },
      { path: 'bin/tool', mode: 0o755, content: utf8('#!/bin/sh\necho hi\n') },
      { path: 'data/points.bin', mode: 0o644, content: PNG_HEADER },
      { path: 'empty.txt', mode: 0o644, content: new Uint8Array(0) },
    ],
  };

  it('round-trips files, bytes and modes (the executable bit kept)', async () => {
    const unpacked = await unpackPayload(await packPayload(project));
    assert.equal(unpacked.entrypoint, 'src/main.py');
    assert.deepEqual(
      unpacked.files.map((f) => [f.path, f.mode, Buffer.from(f.content).toString('hex')]),
      project.files.map((f) => [f.path, f.mode, Buffer.from(f.content).toString('hex')]),
    );
  });

  it('is a header line and a tar archive: bytes are not inflated like base64', async () => {
    const big = new Uint8Array(100_000).fill(7);
    const packed = await packPayload({
      ...project,
      files: [...project.files, { path: 'big.bin', mode: 0o644, content: big }],
    });
    assert.match(
      Buffer.from(packed.subarray(0, 80)).toString(),
      /^\{"entrypoint":"src\/main\.py","kind":"orange-cloud\/payload","version":2\}\n/,
    );
    assert.ok(packed.length < 100_000 + 10 * 1024, `${packed.length} bytes`);
  });

  /** A payload whose archive holds exactly these entries, unchecked: what a hostile requester sends. */
  async function rawPayload(
    entries: {
      name: string;
      type?: 'file' | 'symlink' | 'directory';
      mode?: number;
      linkname?: string;
    }[],
    entrypoint = 'main.py',
  ): Promise<Uint8Array> {
    const archive = pack();
    const chunks: Buffer[] = [
      Buffer.from(
        `{"entrypoint":${JSON.stringify(entrypoint)},"kind":"orange-cloud/payload","version":2}\n`,
      ),
    ];
    archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
    archive.entry({ name: 'main.py', mode: 0o644 }, 'print(1)\n');
    for (const e of entries) {
      const { type = 'file', mode = 0o644 } = e;
      if (type === 'file') archive.entry({ name: e.name, mode }, 'x');
      else
        archive.entry({
          name: e.name,
          type,
          mode,
          ...(e.linkname ? { linkname: e.linkname } : {}),
        });
    }
    archive.finalize();
    await done;
    return Buffer.concat(chunks);
  }

  for (const path of [
    '../escape.py',
    'lib/../../x',
    '/etc/passwd',
    'C:/x.py',
    'lib\\x.py',
    'a//b',
    './a',
    'a\u0007b',
  ]) {
    it(`rejects the unsafe path ${JSON.stringify(path)} with PAYLOAD_INVALID`, async () => {
      await assert.rejects(unpackPayload(await rawPayload([{ name: path }])), {
        name: 'OrangeError',
        code: 'PAYLOAD_INVALID',
        message: /not a safe relative path/,
      });
    });
  }

  for (const mode of [0o4755, 0o2755, 0o777, 0o600]) {
    it(`rejects the file mode ${mode.toString(8)}`, async () => {
      await assert.rejects(unpackPayload(await rawPayload([{ name: 'x.py', mode }])), {
        code: 'PAYLOAD_INVALID',
        message: /only 644 and 755 travel/,
      });
    });
  }

  it('rejects a symbolic link and a directory entry: only regular files travel', async () => {
    await assert.rejects(
      unpackPayload(await rawPayload([{ name: 'etc', type: 'symlink', linkname: '/etc' }])),
      { code: 'PAYLOAD_INVALID', message: /"etc" is a symlink, not a regular file/ },
    );
    await assert.rejects(unpackPayload(await rawPayload([{ name: 'd', type: 'directory' }])), {
      code: 'PAYLOAD_INVALID',
      message: /not a regular file/,
    });
  });

  it('rejects a repeated path', async () => {
    await assert.rejects(unpackPayload(await rawPayload([{ name: 'main.py' }])), {
      message: /repeats "main.py"/,
    });
  });

  it('rejects an entrypoint not among the files, or not a Python path', async () => {
    await assert.rejects(unpackPayload(await rawPayload([], 'other.py')), {
      message: /field "entrypoint" names "other.py"/,
    });
    await assert.rejects(unpackPayload(await rawPayload([], '../main.py')), {
      message: /field "entrypoint" must be the relative path of a file a runtime runs/,
    });
  });

  it('rejects an unknown version and bytes with no header', async () => {
    const v1 = utf8('{"entrypoint":"main.py","kind":"orange-cloud/payload","version":1}\n');
    await assert.rejects(unpackPayload(v1), { message: /field "version" must be 2/ });
    await assert.rejects(unpackPayload(utf8('x'.repeat(5000))), {
      code: 'PAYLOAD_INVALID',
      message: /no header line/,
    });
  });

  it('rejects a header followed by something that is not a tar archive', async () => {
    const header = '{"entrypoint":"main.py","kind":"orange-cloud/payload","version":2}\n';
    await assert.rejects(unpackPayload(utf8(header + 'x'.repeat(1024))), {
      code: 'PAYLOAD_INVALID',
    });
  });

  describe('dependency wheels', () => {
    const wheel = 'orange_greeting-1.0-py3-none-any.whl';
    const withWheel: Payload = {
      version: 2,
      entrypoint: 'main.py',
      files: [
        { path: 'main.py', mode: 0o644, content: utf8('print(1)\n') },
        { path: `.orange/wheels/${wheel}`, mode: 0o644, content: PNG_HEADER },
      ],
      wheels: [wheel],
    };

    it('lists the wheels in the header and round-trips them as .orange/wheels/ members', async () => {
      const packed = await packPayload(withWheel);
      assert.match(
        Buffer.from(packed).toString('latin1'),
        /"wheels":\["orange_greeting-1\.0-py3-none-any\.whl"\]/,
      );
      const unpacked = await unpackPayload(packed);
      assert.deepEqual(unpacked.wheels, [wheel]);
      assert.deepEqual(
        unpacked.files.map((f) => f.path),
        ['main.py', `.orange/wheels/${wheel}`],
      );
    });

    it('leaves the header of a payload without wheels as it was', async () => {
      const packed = await packPayload({
        ...withWheel,
        files: withWheel.files.slice(0, 1),
        wheels: [],
      });
      assert.doesNotMatch(Buffer.from(packed).toString('latin1'), /wheels/);
      assert.equal((await unpackPayload(packed)).wheels, undefined);
    });

    /** A payload with this header's wheel list and these members besides main.py. */
    async function withMembers(
      wheels: unknown,
      members: { name: string; mode?: number }[],
      entrypoint = 'main.py',
    ) {
      const archive = pack();
      const header = JSON.stringify({
        entrypoint,
        kind: 'orange-cloud/payload',
        version: 2,
        wheels,
      });
      const chunks: Buffer[] = [Buffer.from(header + '\n')];
      archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
      archive.entry({ name: 'main.py', mode: 0o644 }, 'print(1)\n');
      for (const m of members) archive.entry({ name: m.name, mode: m.mode ?? 0o644 }, 'x');
      archive.finalize();
      await done;
      return Buffer.concat(chunks);
    }

    it('refuses a .orange/ member the header does not list', async () => {
      await assert.rejects(
        unpackPayload(
          await withMembers(
            [wheel],
            [
              { name: `.orange/wheels/${wheel}` },
              { name: '.orange/wheels/evil-1.0-py3-none-any.whl' },
            ],
          ),
        ),
        {
          code: 'PAYLOAD_INVALID',
          message:
            /"\.orange\/wheels\/evil-1\.0-py3-none-any\.whl", which the header does not announce/,
        },
      );
      await assert.rejects(
        unpackPayload(
          await withMembers(
            [wheel],
            [{ name: `.orange/wheels/${wheel}` }, { name: '.orange/run.sh' }],
          ),
        ),
        {
          message: /"\.orange\/run\.sh", which the header does not announce/,
        },
      );
    });

    it('refuses a listed wheel that is missing, repeated, badly named or executable', async () => {
      await assert.rejects(unpackPayload(await withMembers([wheel], [])), {
        message: /field "wheels" names "\.orange\/wheels\/orange_greeting/,
      });
      await assert.rejects(
        unpackPayload(await withMembers([wheel, wheel], [{ name: `.orange/wheels/${wheel}` }])),
        { message: /repeats/ },
      );
      for (const name of [
        '../x.whl',
        'x.whl',
        'a/b-1.0-py3-none-any.whl',
        'x-1.0-py3-none-any.zip',
      ])
        await assert.rejects(unpackPayload(await withMembers([name], [])), {
          message: /must be a wheel file name/,
        });
      await assert.rejects(unpackPayload(await withMembers([], [])), {
        message: /field "wheels" must be a list of 1 to/,
      });
      await assert.rejects(
        unpackPayload(
          await withMembers([wheel], [{ name: `.orange/wheels/${wheel}`, mode: 0o755 }]),
        ),
        { message: /with mode 755/ },
      );
    });

    it('refuses an entrypoint under .orange/', async () => {
      await assert.rejects(
        unpackPayload(
          await withMembers(
            [wheel],
            [{ name: `.orange/wheels/${wheel}` }, { name: '.orange/x.py' }],
            '.orange/x.py',
          ),
        ),
        {
          message: /field "entrypoint" must be/,
        },
      );
    });
  });
  describe('a prepared npm tree', () => {
    const tree = new TextEncoder().encode('tar of node_modules');
    const project = {
      path: 'main.py',
      mode: 0o644 as const,
      content: new TextEncoder().encode('print(1)\n'),
    };
    const archive = { path: NODE_MODULES_ARCHIVE, mode: 0o644 as const, content: tree };
    const marker = {
      path: INSTALL_SCRIPTS_ALLOWED,
      mode: 0o644 as const,
      content: new Uint8Array(),
    };

    it('round-trips the tree and whether its install scripts may run', async () => {
      const plain = await unpackPayload(
        await packPayload({
          version: 2,
          entrypoint: 'main.py',
          files: [project, archive],
          npm: { installScripts: false },
        }),
      );
      assert.deepEqual(plain.npm, { installScripts: false });
      assert.deepEqual(
        plain.files.find((f) => f.path === NODE_MODULES_ARCHIVE)?.content,
        Buffer.from(tree),
      );
      const allowed = await unpackPayload(
        await packPayload({
          version: 2,
          entrypoint: 'main.py',
          files: [project, archive, marker],
          npm: { installScripts: true },
        }),
      );
      assert.deepEqual(allowed.npm, { installScripts: true });
    });

    it('refuses a tree, or an allowance, the header does not announce', async () => {
      const packed = (files: PayloadFile[], npm?: { installScripts: boolean }) =>
        packPayload({ version: 2, entrypoint: 'main.py', files, ...(npm ? { npm } : {}) });
      await assert.rejects(unpackPayload(await packed([project, archive])), {
        code: 'PAYLOAD_INVALID',
        message: /node_modules\.tar", which the header does not announce/,
      });
      await assert.rejects(
        unpackPayload(await packed([project, archive, marker], { installScripts: false })),
        {
          message: /allow-install-scripts", which the header does not announce/,
        },
      );
      await assert.rejects(unpackPayload(await packed([project], { installScripts: false })), {
        message:
          /field "npm" names "\.orange\/npm\/node_modules\.tar", which is not among the files/,
      });
      await assert.rejects(
        unpackPayload(await packed([project, archive], { installScripts: true })),
        {
          message: /field "npm\.installScripts" names "\.orange\/npm\/allow-install-scripts"/,
        },
      );
      await assert.rejects(
        unpackPayload(
          await packed([project, { ...archive, mode: 0o755 }], { installScripts: false }),
        ),
        { message: /with mode 755/ },
      );
      await assert.rejects(
        unpackPayload(await packed([project, archive], { installScripts: 'yes' } as never)),
        { message: /field "npm\.installScripts" must be true or false/ },
      );
    });
  });
});
