import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrangeError, type OrangeErrorCode } from '../errors.js';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel, type JobKeys } from '../keys/umbral-keys.js';
import { encodeSealedResult, type JobOutputs, type OutputFile } from '../job/result.js';
import { encodeSealedOutputs } from '../job/sealed-outputs.js';
import { sealForRequester } from '../crypto/result-box.js';
import { saveJobOutputs } from './job-outputs.js';
import {
  MemoryStore,
  listed,
  storeSealedArchive,
  tarOf,
  type TarEntry,
} from './outputs-for-tests.js';

/** Every file and folder under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('saving returned files (real Umbral, hostile archives)', () => {
  const master = walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret;
  const keys: JobKeys = jobKeys(master, newJobKeyLabel());
  const store = new MemoryStore();
  let root: string;
  let parent: string;

  beforeEach(async () => {
    // `root` holds only `outs` (the parent folder): anything else appearing is a write outside.
    root = await mkdtemp(join(tmpdir(), 'orange-outputs-'));
    parent = join(root, 'outs');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const save = (outputs: JobOutputs, jobId = 7n, withKeys = keys) =>
    saveJobOutputs(store, { jobId, outputs, keys: withKeys, parentDir: parent });

  /** Stores `entries` as the provider's archive, with `files` as the result's list. */
  const archive = async (entries: TarEntry[], files: OutputFile[], extra?: Partial<JobOutputs>) =>
    storeSealedArchive((b) => store.put(b), keys.publicKey, await tarOf(entries), files, extra);

  it('saves listed regular files under <parent>/<jobId>/, byte for byte, never executable', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const outputs = await archive(
      [
        { name: 'summary.json', content: '{"n":3}\n' },
        { name: 'plots/fig 1.png', content: png, mode: 0o4755 },
        { name: 'empty.txt', content: '' },
      ],
      [
        listed('summary.json', '{"n":3}\n'),
        listed('plots/fig 1.png', png),
        listed('empty.txt', ''),
      ],
      { skipped: [{ path: 'link', reason: 'symbolic link' }], partial: true },
    );
    const saved = await save(outputs);
    const dir = join(parent, '7');
    assert.equal(saved.dir, dir);
    assert.deepEqual(saved.skipped, [{ path: 'link', reason: 'symbolic link' }]);
    assert.equal(saved.partial, true);
    assert.equal(saved.truncated, false);
    assert.deepEqual(
      saved.files.map((f) => [f.path, f.bytes, f.savedPath]),
      [
        ['summary.json', 8, join(dir, 'summary.json')],
        ['plots/fig 1.png', png.length, join(dir, 'plots', 'fig 1.png')],
        ['empty.txt', 0, join(dir, 'empty.txt')],
      ],
    );
    assert.deepEqual(await readFile(join(dir, 'plots', 'fig 1.png')), Buffer.from(png));
    assert.equal(await readFile(join(dir, 'summary.json'), 'utf8'), '{"n":3}\n');
    assert.equal((await stat(join(dir, 'plots', 'fig 1.png'))).mode & 0o7111, 0);
    assert.deepEqual(await tree(root), [
      'outs',
      'outs/7',
      'outs/7/empty.txt',
      'outs/7/plots',
      'outs/7/plots/fig 1.png',
      'outs/7/summary.json',
    ]);
  });

  it('saves again into a fresh <jobId>-2 folder, and never writes through an existing link', async () => {
    const outputs = await archive([{ name: 'a.txt', content: 'new' }], [listed('a.txt', 'new')]);
    await mkdir(join(parent, '7'), { recursive: true });
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    await symlink(elsewhere, join(parent, '7-2'));
    const saved = await save(outputs);
    assert.equal(saved.dir, join(parent, '7-3'));
    assert.equal(await readFile(join(parent, '7-3', 'a.txt'), 'utf8'), 'new');
    assert.deepEqual(await readdir(join(parent, '7')), []);
    assert.deepEqual(await readdir(elsewhere), []);
  });

  it('makes no folder when no file came back, and reports what was skipped', async () => {
    const saved = await save({
      sealedBytes: 0,
      files: [],
      skipped: [{ path: 'dev/null', reason: 'device' }],
      truncated: true,
      partial: false,
    });
    assert.deepEqual(saved, {
      dir: undefined,
      files: [],
      skipped: [{ path: 'dev/null', reason: 'device' }],
      truncated: true,
      partial: false,
    });
    assert.deepEqual(await tree(root), []);
  });

  /** Each hostile archive is refused with its code, names its entry, and leaves nothing. */
  const hostile: {
    what: string;
    entries: TarEntry[];
    files: OutputFile[];
    code: OrangeErrorCode;
    names: RegExp;
  }[] = [
    {
      what: 'a symbolic link',
      entries: [
        { name: 'ok.txt', content: 'ok' },
        { name: 'etc', type: 'symlink', linkname: '/etc' },
      ],
      files: [listed('ok.txt', 'ok'), listed('etc', '')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"etc" is a symlink, not a regular file/,
    },
    {
      what: 'a hard link',
      entries: [
        { name: 'ok.txt', content: 'ok' },
        { name: 'hard', type: 'link', linkname: '/etc/passwd' },
      ],
      files: [listed('ok.txt', 'ok'), listed('hard', '')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"hard" is a link, not a regular file/,
    },
    {
      what: 'a character device',
      entries: [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }],
      files: [listed('null', '')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"null" is a character-device/,
    },
    {
      what: 'a FIFO',
      entries: [{ name: 'pipe', type: 'fifo' }],
      files: [listed('pipe', '')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"pipe" is a fifo/,
    },
    {
      what: 'a folder entry',
      entries: [{ name: 'sub', type: 'directory' }],
      files: [listed('sub', '')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"sub" is a directory/,
    },
    {
      what: 'a ../ name',
      entries: [{ name: '../escape.txt', content: 'x' }],
      files: [listed('ok.txt', 'x')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"\.\.\/escape\.txt" is not a safe relative path/,
    },
    {
      what: 'a name climbing out midway',
      entries: [{ name: 'a/../../escape.txt', content: 'x' }],
      files: [listed('ok.txt', 'x')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"a\/\.\.\/\.\.\/escape\.txt" is not a safe relative path/,
    },
    {
      what: 'an absolute name',
      entries: [{ name: '/tmp/orange-absolute.txt', content: 'x' }],
      files: [listed('ok.txt', 'x')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"\/tmp\/orange-absolute\.txt" is not a safe relative path/,
    },
    {
      what: 'a duplicate name',
      entries: [
        { name: 'twice.txt', content: 'one' },
        { name: 'twice.txt', content: 'one' },
      ],
      files: [listed('twice.txt', 'one')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"twice\.txt" appears twice in the archive/,
    },
    {
      what: 'a file not in the list',
      entries: [
        { name: 'listed.txt', content: 'a' },
        { name: 'extra.sh', content: 'rm -rf ~' },
      ],
      files: [listed('listed.txt', 'a')],
      code: 'OUTPUTS_MISMATCH',
      names: /"extra\.sh" is in the archive but not in the result's list/,
    },
    {
      what: 'more bytes than listed',
      entries: [{ name: 'big.bin', content: 'x'.repeat(5000) }],
      files: [listed('big.bin', 'x'.repeat(10))],
      code: 'OUTPUTS_MISMATCH',
      names: /"big\.bin" holds 5000 bytes; the result lists 10/,
    },
    {
      what: 'other bytes of the listed size',
      entries: [{ name: 'data.csv', content: '1,2,3' }],
      files: [listed('data.csv', '9,9,9')],
      code: 'OUTPUTS_MISMATCH',
      names: /"data\.csv" has SHA-256 [0-9a-f]{64}; the result lists [0-9a-f]{64}/,
    },
    {
      what: 'a listed file missing',
      entries: [{ name: 'a.txt', content: 'a' }],
      files: [listed('a.txt', 'a'), listed('b.txt', 'b')],
      code: 'OUTPUTS_MISMATCH',
      names: /"b\.txt" is listed but not in the archive/,
    },
    {
      what: 'a file that is also a folder',
      entries: [
        { name: 'x', content: '1' },
        { name: 'x/y', content: '2' },
      ],
      files: [listed('x', '1'), listed('x/y', '2')],
      code: 'OUTPUTS_ENTRY_REFUSED',
      names: /"x" is listed as a file and as the folder of "x\/y"/,
    },
  ];

  for (const { what, entries, files, code, names } of hostile) {
    it(`refuses ${what} (${code}) and leaves nothing`, async () => {
      const outputs = await archive(entries, files);
      await assert.rejects(save(outputs), (error: unknown) => {
        assert.ok(error instanceof OrangeError, String(error));
        assert.equal(error.code, code);
        assert.match(error.message, names);
        assert.match(error.hint ?? '', /none of its files were saved/);
        return true;
      });
      // The parent folder may have been made; nothing is in it, and nothing beside it.
      assert.deepEqual(await tree(root), ['outs']);
      await assert.rejects(stat('/tmp/orange-absolute.txt'), { code: 'ENOENT' });
    });
  }

  it('removes what it wrote when a later file cannot be written (OUTPUTS_WRITE_FAILED)', async () => {
    const long = `${'n'.repeat(300)}.txt`;
    const outputs = await archive(
      [
        { name: 'first.txt', content: '1' },
        { name: long, content: '2' },
      ],
      [listed('first.txt', '1'), listed(long, '2')],
    );
    await assert.rejects(save(outputs), {
      code: 'OUTPUTS_WRITE_FAILED',
      message:
        /Could not save returned file "n+\.txt" .*\(ENAMETOOLONG\); none of the files were kept/,
    });
    assert.deepEqual(await tree(root), ['outs']);
  });

  it('refuses a result whose listed sizes exceed its sealed archive, before fetching', async () => {
    const outputs = await archive([{ name: 'a.txt', content: 'a' }], [listed('a.txt', 'a')]);
    const lying = { ...outputs, files: [{ ...outputs.files[0]!, bytes: outputs.sealedBytes + 1 }] };
    await assert.rejects(save(lying), {
      code: 'OUTPUTS_MISMATCH',
      message: /lists \d+ bytes of files/,
    });
    assert.deepEqual(await tree(root), []);
  });

  it('fetches no more than the sealed size the result states (CONTENT_TOO_LARGE)', async () => {
    const outputs = await archive([{ name: 'a.txt', content: 'a' }], [listed('a.txt', 'a')]);
    await assert.rejects(save({ ...outputs, sealedBytes: outputs.sealedBytes - 1 }), {
      code: 'CONTENT_TOO_LARGE',
    });
    assert.deepEqual(await tree(root), ['outs']);
  });

  it("refuses an archive sealed to another job's key (DECRYPT_FAILED), naming the returned files", async () => {
    const outputs = await archive([{ name: 'a.txt', content: 'a' }], [listed('a.txt', 'a')]);
    await assert.rejects(save(outputs, 7n, jobKeys(master, newJobKeyLabel())), {
      code: 'DECRYPT_FAILED',
      message: /returned files cannot be decrypted/,
    });
    assert.deepEqual(await tree(root), ['outs']);
  });

  it('refuses stored bytes that are not a sealed archive, or a sealed non-tar (OUTPUTS_INVALID)', async () => {
    const tar = await tarOf([{ name: 'a.txt', content: 'a' }]);
    const files = [listed('a.txt', 'a')];
    const stored = async (bytes: Uint8Array): Promise<JobOutputs> => ({
      cid: await store.put(bytes),
      sealedBytes: bytes.length,
      files,
      skipped: [],
      truncated: false,
      partial: false,
    });
    const notSealed = await stored(new TextEncoder().encode('{"not":"sealed"}\n'));
    await assert.rejects(save(notSealed), {
      code: 'OUTPUTS_INVALID',
      message: /is not a sealed archive/,
    });
    // The right bytes in a sealed result's form: another kind, not an archive.
    const asResult = await stored(encodeSealedResult(sealForRequester(keys.publicKey, tar)));
    await assert.rejects(save(asResult), { code: 'OUTPUTS_INVALID' });
    const sealedJunk = encodeSealedOutputs(
      sealForRequester(keys.publicKey, new Uint8Array(1000).fill(7)),
    );
    const notTar = {
      ...notSealed,
      cid: await store.put(sealedJunk),
      sealedBytes: sealedJunk.length,
    };
    await assert.rejects(save(notTar), {
      code: 'OUTPUTS_INVALID',
      message: /not a readable tar archive/,
    });
    assert.deepEqual(await tree(root), ['outs']);
  });
});
