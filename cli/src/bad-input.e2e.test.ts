import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, homePaths, writeKeystore } from '@orange-cloud/sdk';
import { freePort } from '@orange-cloud/sdk/devnet';
import { tinyWasm } from '@orange-cloud/sdk/testing';
import { runCli } from './testing/run-cli.js';

describe('orange CLI: bad input fails clearly and posts nothing', function () {
  this.timeout(60_000);
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'orange-cli-'));
    env = { ORANGE_HOME: home, ORANGE_PASSPHRASE: '' };
  });
  after(() => rm(home, { recursive: true, force: true }));

  it('names a missing file', async () => {
    const r = await runCli(['run', join(home, 'nope.py')], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot read .*nope\.py: ENOENT/);
    assert.match(r.stderr, /Nothing was posted/);
  });

  it('refuses an empty file before touching the network', async () => {
    const file = join(home, 'empty.py');
    await writeFile(file, '');
    const r = await runCli(['run', file], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /empty/i);
  });

  it('refuses a binary file', async () => {
    const file = join(home, 'image.py');
    await writeFile(
      file,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]),
    );
    const r = await runCli(['run', file], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /UTF-8/);
  });

  it('refuses a .wasm that is not a WASI command before touching the network', async () => {
    const library = join(home, 'library.wasm');
    await writeFile(library, tinyWasm({ exports: ['memory'] }));
    const r = await runCli(['run', library, '--json'], env);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'NOT_WASI_MODULE');
    assert.match(r.stderr, /library\.wasm is not a WASI module: it exports no _start function/);
    assert.match(r.stderr, /Nothing was posted/);
    assert.doesNotMatch(r.stderr, /devnet/);
    const text = join(home, 'text.wasm');
    await writeFile(text, 'console.log(1)\n');
    const t = await runCli(['run', text], env);
    assert.equal(t.code, 2);
    assert.match(
      t.stderr,
      /text\.wasm is not a WASI module: it does not start with the WebAssembly magic bytes/,
    );
  });

  it('says the devnet is down when it is', async () => {
    const file = join(home, 'ok.py');
    await writeFile(file, 'print(1)\n');
    const r = await runCli(['run', file, '--json'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /devnet is not running/);
    assert.equal(JSON.parse(r.stdout).error.code, 'DEVNET_DOWN');
  });

  it('says the RPC is unreachable when it is', async () => {
    const file = join(home, 'ok.py');
    const port = await freePort();
    const withWallet = await mkdtemp(join(tmpdir(), 'orange-cli-wallet-'));
    await writeKeystore(homePaths(withWallet).wallet, { mnemonic: generateMnemonic() }, '');
    const r = await runCli(
      [
        'run',
        file,
        '--rpc-url',
        `http://127.0.0.1:${port}`,
        '--market',
        '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      ],
      { ...env, ORANGE_HOME: withWallet },
    );
    await rm(withWallet, { recursive: true, force: true });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`Cannot reach the chain RPC at http://127.0.0.1:${port}`));
  });

  /** A project folder of its own under the test home, with these files. */
  async function project(name: string, files: Record<string, string | Uint8Array>) {
    const root = join(home, name);
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(join(root, 'requirements.txt'), '');
    for (const [path, content] of Object.entries(files)) await writeFile(join(root, path), content);
    return root;
  }

  it('shows what the project sends before touching the network', async () => {
    const root = await project('summary', { 'main.py': 'print(1)\n', 'data/points.csv': '1,2\n' });
    const r = await runCli(['run', join(root, 'main.py')], env);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /› sending 3 files, [\d.]+ KiB sealed \(largest: main\.py 9 B, data\/points\.csv 4 B, requirements\.txt 0 B\)\n[^]*devnet is not running/,
    );
  });

  it('refuses a project over the cap, naming the largest files, before touching the network', async () => {
    const root = await project('big', {
      'main.py': 'print(1)\n',
      'data/huge.bin': new Uint8Array(1536 * 1024),
      'data/medium.bin': new Uint8Array(300 * 1024),
    });
    const r = await runCli(['run', join(root, 'main.py'), '--max-project-mb', '1', '--json'], env);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'PROJECT_TOO_LARGE');
    assert.match(
      r.stderr,
      /over the 1\.0 MiB cap; largest: data\/huge\.bin \(1\.5 MiB\), data\/medium\.bin \(300\.0 KiB\), main\.py/,
    );
    assert.match(r.stderr, /Nothing was posted/);
    assert.doesNotMatch(r.stderr, /devnet/);
  });

  it('refuses a symlink that leaves the project, naming it', async () => {
    const root = await project('linked', { 'main.py': 'print(1)\n' });
    await writeFile(join(home, 'outside.txt'), 'not for the provider');
    await symlink(join(home, 'outside.txt'), join(root, 'data', 'creds.txt'));
    const r = await runCli(['run', join(root, 'main.py'), '--json'], env);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'PROJECT_LINK_OUTSIDE');
    assert.match(r.stderr, /data\/creds\.txt is a symbolic link that leads outside the project/);
    assert.match(r.stderr, /Nothing was posted/);
  });

  it('refuses a project file whose name holds a control character', async () => {
    const root = await project('names', { 'main.py': 'print(1)\n', 'data/bad\u0001name.csv': 'x' });
    const r = await runCli(['run', join(root, 'main.py'), '--json'], env);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'PROJECT_BAD_NAME');
    assert.match(r.stderr, /"data\/bad\\u0001name\.csv" contains a control character/);
  });

  it('sends the file alone with --no-project, and caps --max-project-mb at what providers fetch', async () => {
    const root = await project('alone', {
      'main.py': 'print(1)\n',
      'data/huge.bin': new Uint8Array(2 << 20),
    });
    const alone = await runCli(
      ['run', join(root, 'main.py'), '--no-project', '--max-project-mb', '1'],
      env,
    );
    assert.match(alone.stderr, /› sending 1 file, [\d.]+ KiB sealed \(largest: main\.py 9 B\)/);
    const tooBig = await runCli(['run', join(root, 'main.py'), '--max-project-mb', '65'], env);
    assert.notEqual(tooBig.code, 0);
    assert.match(tooBig.stderr, /providers fetch at most 64 MiB per job/);
  });

  it('sends the folder --project names, and refuses an entry outside it', async () => {
    const root = join(home, 'named');
    await mkdir(join(root, 'app'), { recursive: true });
    await writeFile(join(root, 'app', 'main.py'), 'import lib\n');
    await writeFile(join(root, 'lib.py'), 'X = 1\n');
    const r = await runCli(['run', join(root, 'app', 'main.py'), '--project', root], env);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /› sending 2 files, [\d.]+ KiB sealed \(largest: app\/main\.py 11 B, lib\.py 6 B\)\n[^]*devnet is not running/,
    );
    const elsewhere = join(home, 'elsewhere');
    await mkdir(elsewhere);
    const outside = await runCli(
      ['run', join(root, 'app', 'main.py'), '--project', elsewhere, '--json'],
      env,
    );
    assert.equal(outside.code, 2);
    assert.equal(JSON.parse(outside.stdout).error.code, 'PROJECT_ENTRY_OUTSIDE');
    assert.match(outside.stderr, /main\.py is not inside the project folder .*elsewhere/);
    assert.doesNotMatch(outside.stderr, /devnet/);
  });

  // Dependencies are resolved once the runtime is chosen from the market: their refusals are
  // in runtime-routing.e2e.test.ts, against a devnet. A malformed declaration fails before that.
  it('refuses a requirements.txt option, naming the line, before touching the network', async () => {
    const root = await project('deps-option', { 'main.py': 'print(1)\n' });
    await writeFile(join(root, 'requirements.txt'), 'six\n-e ./local\n');
    const r = await runCli(['run', join(root, 'main.py'), '--json'], env);
    assert.equal(JSON.parse(r.stdout).error.code, 'DEPENDENCY_UNSUPPORTED');
    assert.match(r.stderr, /requirements\.txt line 2: "-e \.\/local" is a pip option/);
    assert.doesNotMatch(r.stderr, /devnet/);
  });

  it('refuses an --out that is a file, or a folder it cannot write in, before touching the network', async () => {
    const root = await project('outs', { 'main.py': 'print(1)\n' });
    const file = join(home, 'a-file.txt');
    await writeFile(file, 'not a folder');
    const onFile = await runCli(['run', join(root, 'main.py'), '--out', file, '--json'], env);
    assert.equal(onFile.code, 2);
    assert.equal(JSON.parse(onFile.stdout).error.code, 'OUTPUTS_DIR_UNUSABLE');
    assert.match(onFile.stderr, /Cannot save returned files in .*a-file\.txt: it is not a folder/);
    assert.match(onFile.stderr, /Nothing was posted/);
    assert.doesNotMatch(onFile.stderr, /devnet/);

    // Root ignores permission bits; sysfs refuses new folders to everyone.
    let locked = '/sys';
    if (process.getuid?.() !== 0) {
      locked = join(home, 'locked');
      await mkdir(locked);
      await chmod(locked, 0o555);
    }
    const unwritable = await runCli(
      ['run', join(root, 'main.py'), '--out', join(locked, 'orange-out')],
      env,
    );
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, new RegExp(`${locked} cannot be written \\((EACCES|EPERM)\\)`));
    assert.doesNotMatch(unwritable.stderr, /devnet/);
  });

  it('orange output checks the job id and --out before touching the network', async () => {
    const bad = await runCli(['output', 'latest'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"latest" is not a job id/);
    const file = join(home, 'a-file.txt');
    await writeFile(file, 'not a folder');
    const onFile = await runCli(['output', '1', '--out', file], env);
    assert.equal(onFile.code, 2);
    assert.match(onFile.stderr, /Cannot save returned files in .*a-file\.txt: it is not a folder/);
    assert.doesNotMatch(onFile.stderr, /devnet/);
  });

  it('rejects nonsense flags with usage help', async () => {
    const r = await runCli(['run', 'x.py', '--cpus', 'many'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--cpus must be a positive whole number/);
  });

  it('needs a wallet to run', async () => {
    const port = await freePort();
    const r = await runCli(['wallet', 'show', '--rpc-url', `http://127.0.0.1:${port}`], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /orange wallet create/);
  });
});
