import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { INSTALL_SCRIPTS_ALLOWED, NODE_MODULES_ARCHIVE, unpackPayload } from '../job/payload.js';
import { PYTHON3_TARGET } from '../dependencies/python-target.js';
import type { PipRunner } from '../dependencies/pip-runner.js';
import {
  packProject,
  packScriptAlone,
  packWithDependencies,
  packWithNpmDependencies,
  readProject,
} from './pack-project.js';
import { resolveWheels } from '../dependencies/resolve-wheels.js';
import { dependencySummaryLine } from './project-summary.js';
import { walkProject } from './walk-project.js';

describe('packProject', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'orange-project-'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  /** Writes files (path -> content) under the test folder. */
  async function files(tree: Record<string, string | Uint8Array>): Promise<void> {
    for (const [path, content] of Object.entries(tree)) {
      await mkdir(dirname(join(base, path)), { recursive: true });
      await writeFile(join(base, path), content);
    }
  }
  const paths = async (root = base) => (await walkProject(root)).map((e) => e.path);

  it('finds the root by its marker and packs the project with the entry path relative to it', async () => {
    await files({
      'proj/pyproject.toml': '[project]\nname="p"\n',
      'proj/src/main.py': 'import helper\n',
      'proj/helper.py': 'X = 1\n',
      'proj/data/points.bin': Uint8Array.from([0, 255, 1, 254]),
    });
    const packed = await packProject({ entryFile: join(base, 'proj/src/main.py'), ceiling: base });
    assert.equal(packed.root, join(base, 'proj'));
    assert.equal(packed.entrypoint, 'src/main.py');
    assert.equal(packed.summary.files, 4);
    assert.equal(packed.summary.largest[0]!.path, 'pyproject.toml');
    const payload = await unpackPayload(packed.bytes);
    assert.deepEqual(
      payload.files.map((f) => f.path),
      ['data/points.bin', 'helper.py', 'pyproject.toml', 'src/main.py'],
    );
    const data = payload.files.find((f) => f.path === 'data/points.bin')!;
    assert.deepEqual([...data.content], [0, 255, 1, 254]);
  });

  it('keeps the executable bit and nothing else of the mode', async () => {
    await files({ 'main.py': 'print(1)\n', 'run.sh': 'echo\n', 'secret.txt': 's' });
    await chmod(join(base, 'run.sh'), 0o700);
    await chmod(join(base, 'secret.txt'), 0o600);
    const modes = Object.fromEntries((await walkProject(base)).map((e) => [e.path, e.mode]));
    assert.deepEqual(modes, { 'main.py': 0o644, 'run.sh': 0o755, 'secret.txt': 0o644 });
  });

  it('honours .gitignore and .orangeignore, nested ones relative to their folder', async () => {
    await files({
      '.gitignore': '*.log\n/build/\n',
      '.orangeignore': 'secrets.env\n',
      'main.py': 'print(1)\n',
      'run.log': 'x',
      'build/out.txt': 'x',
      'secrets.env': 'KEY=1',
      'sub/.gitignore': 'local.csv\n',
      'sub/local.csv': 'x',
      'sub/keep.csv': 'x',
      'other/local.csv': 'x',
    });
    assert.deepEqual(await paths(), [
      '.gitignore',
      '.orangeignore',
      'main.py',
      'other/local.csv',
      'sub/.gitignore',
      'sub/keep.csv',
    ]);
  });

  it('never sends virtualenvs, caches, .git, node_modules, orange-out or .orange', async () => {
    await files({
      'main.py': 'print(1)\n',
      '.venv/lib/x.py': 'x',
      'venv/lib/x.py': 'x',
      'env311/pyvenv.cfg': 'home = /usr',
      'env311/lib/x.py': 'x',
      '__pycache__/m.pyc': 'x',
      'pkg/__pycache__/m.pyc': 'x',
      '.git/HEAD': 'ref',
      'node_modules/a/index.js': 'x',
      'orange-out/1/out.txt': 'x',
      '.orange/outputs/1/plot.png': 'x',
      'pkg/mod.py': 'x',
    });
    assert.deepEqual(await paths(), ['main.py', 'pkg/mod.py']);
  });

  it("never sends npm's configuration (it may hold registry tokens), at any depth", async () => {
    await files({
      'main.py': 'print(1)\n',
      '.npmrc': '//registry.example/:_authToken=secret\n',
      'web/.npmrc': 'x',
      'web/package.json': '{}',
    });
    assert.deepEqual(await paths(), ['main.py', 'web/package.json']);
  });

  it('leaves out the folder returned files are saved in, wherever it is', async () => {
    await files({ 'main.py': 'print(1)\n', 'results/7/plot.png': 'x', 'data/keep.csv': '1\n' });
    const packed = await packProject({
      entryFile: join(base, 'main.py'),
      ceiling: base,
      leaveOut: [join(base, 'results'), join(base, 'not-made-yet')],
    });
    assert.deepEqual(
      (await unpackPayload(packed.bytes)).files.map((f) => f.path),
      ['data/keep.csv', 'main.py'],
    );
  });

  it('sends the entry file even when an ignore file lists it', async () => {
    await files({ '.orangeignore': '*.py\n', 'main.py': 'print(1)\n', 'lib.py': 'x' });
    await chmod(join(base, 'main.py'), 0o755);
    const packed = await packProject({ entryFile: join(base, 'main.py'), ceiling: base });
    const entry = (await unpackPayload(packed.bytes)).files.find((f) => f.path === 'main.py');
    assert.equal(entry?.mode, 0o755, 'with its own mode');
    assert.deepEqual(
      (await unpackPayload(packed.bytes)).files.map((f) => f.path),
      ['.orangeignore', 'main.py'],
    );
  });

  it("sends an editor's unsaved text instead of the saved file, and says which", async () => {
    await files({
      'main.py': 'print("saved")\n',
      'helper.py': 'X = 1\n',
      'data.csv': '1\n',
      '.orangeignore': 'notes.py\n',
      'notes.py': 'x',
    });
    const held = (text: string) => new TextEncoder().encode(text);
    const packed = await packProject({
      entryFile: join(base, 'main.py'),
      ceiling: base,
      unsaved: new Map([
        [join(base, 'main.py'), held('print("unsaved, and longer")\n')],
        [join(base, 'helper.py'), held('X = 2\n')],
        [join(base, 'notes.py'), held('ignored stays ignored')],
        [join(dirname(base), 'elsewhere.py'), held('outside the project')],
      ]),
    });
    assert.deepEqual(packed.unsaved, ['helper.py', 'main.py']);
    const sent = Object.fromEntries(
      (await unpackPayload(packed.bytes)).files.map((f) => [
        f.path,
        new TextDecoder().decode(f.content),
      ]),
    );
    assert.deepEqual(sent, {
      '.orangeignore': 'notes.py\n',
      'data.csv': '1\n',
      'helper.py': 'X = 2\n',
      'main.py': 'print("unsaved, and longer")\n',
    });
    const saved = await packProject({ entryFile: join(base, 'main.py'), ceiling: base });
    assert.equal(saved.unsaved, undefined);
  });

  it('counts unsaved text, not the saved file, against the cap', async () => {
    await files({ 'main.py': 'print(1)\n' });
    await assert.rejects(
      packProject({
        entryFile: join(base, 'main.py'),
        ceiling: base,
        maxBytes: 64 * 1024,
        unsaved: new Map([[join(base, 'main.py'), new Uint8Array(100 * 1024).fill(0x20)]]),
      }),
      { code: 'PROJECT_TOO_LARGE', message: /largest: main\.py \(100\.0 KiB\)/ },
    );
  });

  it('follows a link that stays inside the project', async () => {
    await files({ 'main.py': 'print(1)\n', 'data/real.csv': '1,2\n' });
    await symlink('data/real.csv', join(base, 'alias.csv'));
    await symlink('data', join(base, 'data-link'));
    assert.deepEqual(await paths(), ['alias.csv', 'data/real.csv', 'main.py']);
  });

  it('refuses a link that leaves the project, naming it', async () => {
    await files({ 'proj/main.py': 'print(1)\n', 'outside/secret.txt': 's' });
    await symlink(join(base, 'outside/secret.txt'), join(base, 'proj/creds.txt'));
    await assert.rejects(
      packProject({
        entryFile: join(base, 'proj/main.py'),
        ceiling: base,
        root: join(base, 'proj'),
      }),
      {
        code: 'PROJECT_LINK_OUTSIDE',
        message: /^creds\.txt is a symbolic link that leads outside/,
      },
    );
  });

  it('refuses a dangling link, and leaves an ignored one alone', async () => {
    await files({ 'main.py': 'print(1)\n' });
    await symlink('/nonexistent/x', join(base, 'gone'));
    await assert.rejects(paths(), { code: 'PROJECT_LINK_OUTSIDE', message: /^gone / });
    await writeFile(join(base, '.orangeignore'), 'gone\n');
    assert.deepEqual(await paths(), ['.orangeignore', 'main.py']);
  });

  it('refuses a file name with a control character, unless it is ignored', async () => {
    await files({ 'main.py': 'print(1)\n', 'bad\nname.txt': 'x' });
    await assert.rejects(packProject({ entryFile: join(base, 'main.py'), ceiling: base }), {
      code: 'PROJECT_BAD_NAME',
      message: /"bad\\nname\.txt" contains a control character/,
    });
    await writeFile(join(base, '.orangeignore'), 'bad*\n');
    assert.deepEqual(await paths(), ['.orangeignore', 'main.py']);
  });

  it('refuses a project over the cap before reading it, naming the largest files', async () => {
    await files({
      'main.py': 'print(1)\n',
      'data/a.bin': new Uint8Array(300 * 1024),
      'data/b.bin': new Uint8Array(200 * 1024),
    });
    await assert.rejects(
      packProject({ entryFile: join(base, 'main.py'), ceiling: base, maxBytes: 256 * 1024 }),
      {
        code: 'PROJECT_TOO_LARGE',
        message:
          /over the 256\.0 KiB cap; largest: data\/a\.bin \(300\.0 KiB\), data\/b\.bin \(200\.0 KiB\), main\.py/,
      },
    );
  });

  it('refuses an entry file outside the named project folder', async () => {
    await files({ 'a/main.py': 'print(1)\n', 'b/x.txt': 'x' });
    await assert.rejects(
      packProject({ entryFile: join(base, 'a/main.py'), ceiling: base, root: join(base, 'b') }),
      { code: 'PROJECT_ENTRY_OUTSIDE' },
    );
  });

  it('checks the entry file like a script alone (empty is refused)', async () => {
    await files({ 'main.py': '   \n', 'data.csv': '1\n' });
    await assert.rejects(packProject({ entryFile: join(base, 'main.py'), ceiling: base }), {
      code: 'EMPTY_SCRIPT',
    });
  });

  it('packs a script alone as a one-file payload', async () => {
    const packed = await packScriptAlone(
      join(base, 'job.py'),
      new TextEncoder().encode('print(1)\n'),
    );
    assert.equal(packed.root, base);
    assert.equal(packed.entrypoint, 'job.py');
    assert.equal(packed.summary.files, 1);
    assert.deepEqual(
      (await unpackPayload(packed.bytes)).files.map((f) => f.path),
      ['job.py'],
    );
  });

  describe('with declared dependencies', () => {
    /** A pip that "downloads" one fixed wheel and counts its calls. */
    function onePip(): PipRunner & { calls: number } {
      const pip = {
        calls: 0,
        async run(args: readonly string[]) {
          pip.calls++;
          const dest = args[args.indexOf('--dest') + 1]!;
          await writeFile(join(dest, 'orange_greeting-1.0-py3-none-any.whl'), 'wheel!');
          return { exitCode: 0, stdout: '', stderr: '' };
        },
      };
      return pip;
    }
    const script =
      '# /// script\n# dependencies = ["orange_greeting"]\n# ///\nimport orange_greeting\n';

    it('reads the declarations before any wheel, then packs the wheels in with the unsaved files kept', async () => {
      await files({ 'proj/requirements.txt': 'orange_greeting\n', 'proj/main.py': 'print(1)\n' });
      const main = join(base, 'proj/main.py');
      const project = await readProject({
        entryFile: main,
        ceiling: base,
        unsaved: new Map([[main, new TextEncoder().encode('import orange_greeting\n')]]),
      });
      assert.deepEqual(project.declared?.requirements, ['orange_greeting']);
      assert.equal(project.packed.summary.dependencies, undefined);
      assert.equal((await unpackPayload(project.packed.bytes)).wheels, undefined);
      assert.deepEqual(project.packed.unsaved, ['main.py']);
      const pip = onePip();
      const resolved = await resolveWheels(project.declared!, {
        target: PYTHON3_TARGET,
        cacheDir: join(base, 'cache'),
        pip,
      });
      const packed = await packWithDependencies(project, resolved);
      assert.deepEqual((await unpackPayload(packed.bytes)).wheels, [
        'orange_greeting-1.0-py3-none-any.whl',
      ]);
      assert.equal(packed.summary.dependencies?.source, 'requirements.txt');
      assert.deepEqual(packed.unsaved, ['main.py']);
      assert.ok(packed.summary.sealedBytes > project.packed.summary.sealedBytes);
    });

    it('sends the wheels of the script block under .orange/wheels/ and names them in the summary', async () => {
      await files({
        'proj/requirements.txt': 'ignored-because-the-script-declares\n',
        'proj/main.py': script,
      });
      const pip = onePip();
      const dependencies = { target: PYTHON3_TARGET, cacheDir: join(base, 'cache'), pip };
      const packed = await packProject({
        entryFile: join(base, 'proj/main.py'),
        ceiling: base,
        dependencies,
      });
      const payload = await unpackPayload(packed.bytes);
      assert.deepEqual(payload.wheels, ['orange_greeting-1.0-py3-none-any.whl']);
      assert.ok(
        payload.files.some((f) => f.path === '.orange/wheels/orange_greeting-1.0-py3-none-any.whl'),
      );
      assert.equal(packed.summary.files, 2);
      assert.equal(
        dependencySummaryLine(packed.summary),
        'dependencies from script metadata: 1 wheel, 6 B (orange_greeting 1.0 6 B)',
      );
      const again = await packProject({
        entryFile: join(base, 'proj/main.py'),
        ceiling: base,
        dependencies,
      });
      assert.equal(pip.calls, 1);
      assert.match(dependencySummaryLine(again.summary)!, /1 wheel, 6 B, cached/);
    });

    it('reads requirements.txt for a project, only the script block for a script alone', async () => {
      await files({ 'proj/requirements.txt': 'orange_greeting\n', 'proj/main.py': 'print(1)\n' });
      const dependencies = { target: PYTHON3_TARGET, cacheDir: join(base, 'cache'), pip: onePip() };
      const packed = await packProject({
        entryFile: join(base, 'proj/main.py'),
        ceiling: base,
        dependencies,
      });
      assert.equal(packed.summary.dependencies?.source, 'requirements.txt');
      const alone = await packScriptAlone(
        join(base, 'proj/main.py'),
        Buffer.from('print(1)\n'),
        dependencies,
      );
      assert.equal(alone.summary.dependencies, undefined);
      const aloneWithBlock = await packScriptAlone(
        join(base, 'proj/main.py'),
        Buffer.from(script),
        dependencies,
      );
      assert.deepEqual((await unpackPayload(aloneWithBlock.bytes)).wheels, [
        'orange_greeting-1.0-py3-none-any.whl',
      ]);
    });

    it('counts the wheels against the cap', async () => {
      await files({ 'proj/main.py': script });
      const dependencies = { target: PYTHON3_TARGET, cacheDir: join(base, 'cache'), pip: onePip() };
      const small = await packProject({
        entryFile: join(base, 'proj/main.py'),
        ceiling: base,
        dependencies,
      });
      await assert.rejects(
        packProject({
          entryFile: join(base, 'proj/main.py'),
          ceiling: base,
          dependencies,
          maxBytes: small.summary.sealedBytes - 1,
        }),
        {
          code: 'PROJECT_TOO_LARGE',
          message: /orange_greeting-1\.0-py3-none-any\.whl \(dependency\)/,
        },
      );
    });
  });
  describe('with a prepared npm tree', () => {
    async function prepared(installScripts: boolean, bytes = 2048) {
      const path = join(base, 'node_modules.tar');
      await writeFile(path, Buffer.alloc(bytes, 1));
      const pkg = { path: 'node_modules/shout', name: 'shout', version: '1.0.0', scripts: {} };
      const scripted = { ...pkg, scripts: { postinstall: 'node x.js' } };
      return {
        declaration: { root: join(base, 'proj'), packageJson: '{}', dependencies: { shout: '1' } },
        archive: { file: 'node_modules.tar', path, bytes, sha256: 'x' },
        packages: [installScripts ? scripted : pkg],
        installScripts: installScripts ? [scripted] : [],
        cached: true,
      };
    }

    it('sends the tree under .orange/npm/, says whether its scripts may run, and names it in the summary', async () => {
      await files({ 'proj/package.json': '{}', 'proj/main.py': 'print(1)\n' });
      const project = await readProject({ entryFile: join(base, 'proj/main.py'), ceiling: base });
      const packed = await packWithNpmDependencies(project, await prepared(false));
      const payload = await unpackPayload(packed.bytes);
      assert.deepEqual(payload.npm, { installScripts: false });
      assert.equal(
        payload.files.find((f) => f.path === NODE_MODULES_ARCHIVE)?.content.length,
        2048,
      );
      assert.equal(
        dependencySummaryLine(packed.summary),
        'dependencies from package.json: 1 npm package, 2.0 KiB, cached (shout 1.0.0)',
      );
      const allowed = await packWithNpmDependencies(project, await prepared(true));
      const withScripts = await unpackPayload(allowed.bytes);
      assert.deepEqual(withScripts.npm, { installScripts: true });
      assert.ok(withScripts.files.some((f) => f.path === INSTALL_SCRIPTS_ALLOWED));
      assert.match(
        dependencySummaryLine(allowed.summary) ?? '',
        /install scripts allowed, run in the container for shout 1\.0\.0$/,
      );
    });

    it('counts the tree against the project cap, naming it', async () => {
      await files({ 'proj/package.json': '{}', 'proj/main.py': 'print(1)\n' });
      const project = await readProject({
        entryFile: join(base, 'proj/main.py'),
        ceiling: base,
        maxBytes: 64 * 1024,
      });
      await assert.rejects(packWithNpmDependencies(project, await prepared(false, 100 * 1024)), {
        code: 'PROJECT_TOO_LARGE',
        message: /node_modules \(npm dependencies\) \(100\.0 KiB\)/,
      });
    });
  });
});
