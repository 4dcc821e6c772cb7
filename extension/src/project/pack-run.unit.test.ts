import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OrangeError, unpackPayload } from '@orange-cloud/sdk';
import { packRun, type EntryFile } from './pack-run.js';
import { planProject } from './project-plan.js';
import { projectLine } from './project-line.js';

describe('packRun', () => {
  let base: string;
  let ws: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'orange-ext-project-'));
    ws = join(base, 'ws');
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  async function files(tree: Record<string, string>): Promise<void> {
    for (const [path, content] of Object.entries(tree)) {
      await mkdir(dirname(join(base, path)), { recursive: true });
      await writeFile(join(base, path), content);
    }
  }
  const entry = (path: string, text: string, dirty = false): EntryFile => ({
    fileName: path.split('/').pop()!,
    path,
    text,
    dirty,
  });
  const sent = async (bytes: Uint8Array) =>
    Object.fromEntries(
      (await unpackPayload(bytes)).files.map((f) => [f.path, new TextDecoder().decode(f.content)]),
    );
  const options = { maxBytes: 50 * 1024 * 1024, unsaved: new Map(), leaveOut: [] };

  it("reads the script's declared dependencies, leaving their wheels to the runtime choice", async () => {
    const script = '# /// script\n# dependencies = ["numpy>=1.20"]\n# ///\nimport numpy\n';
    await files({ 'ws/data/main.py': script });
    const main = join(ws, 'data/main.py');
    const project = await packRun(entry(main, script), {
      ...options,
      plan: planProject(main, ws, { mode: 'auto' }),
    });
    assert.deepEqual(project.declared?.requirements, ['numpy>=1.20']);
    assert.equal(project.packed.summary.dependencies, undefined);
    assert.match(projectLine(project.packed, 'data'), /^data: sending 1 file, /);
  });

  it('sends the project found under the workspace folder, not the repository above it', async () => {
    await files({
      '.git/HEAD': 'ref', // a marker above the workspace folder: never climbed to
      'ws/plot/main.py': 'import shapes\n',
      'ws/plot/shapes.py': 'X = 1\n',
      'ws/plot/data/points.csv': '1,2\n',
      'ws/other.py': 'x',
    });
    const main = join(ws, 'plot/main.py');
    const { packed } = await packRun(entry(main, 'import shapes\n'), {
      ...options,
      plan: planProject(main, ws, { mode: 'auto' }),
    });
    // No marker inside the workspace: the file's own folder is the project.
    assert.equal(packed.root, join(ws, 'plot'));
    assert.equal(packed.entrypoint, 'main.py');
    assert.deepEqual(Object.keys(await sent(packed.bytes)), [
      'data/points.csv',
      'main.py',
      'shapes.py',
    ]);
  });

  it('climbs to a marker inside the workspace folder', async () => {
    await files({ 'ws/pyproject.toml': '[project]\n', 'ws/src/main.py': 'print(1)\n' });
    const main = join(ws, 'src/main.py');
    const { packed } = await packRun(entry(main, 'print(1)\n'), {
      ...options,
      plan: planProject(main, ws, { mode: 'auto' }),
    });
    assert.equal(packed.root, ws);
    assert.equal(packed.entrypoint, 'src/main.py');
  });

  it('sends what the editors hold, and leaves the outputs folder behind', async () => {
    await files({
      'ws/main.py': 'print("saved")\n',
      'ws/helper.py': 'X = 1\n',
      'ws/results/1/plot.png': 'png',
    });
    const main = join(ws, 'main.py');
    const { packed } = await packRun(entry(main, 'print("on screen")\n', true), {
      ...options,
      plan: planProject(main, ws, { mode: 'auto' }),
      unsaved: new Map([
        [main, new TextEncoder().encode('print("on screen")\n')],
        [join(ws, 'helper.py'), new TextEncoder().encode('X = 2\n')],
      ]),
      leaveOut: [join(ws, 'results')],
    });
    assert.deepEqual(await sent(packed.bytes), {
      'helper.py': 'X = 2\n',
      'main.py': 'print("on screen")\n',
    });
    assert.deepEqual(packed.unsaved, ['helper.py', 'main.py']);
  });

  it('sends the file alone as the editor holds it', async () => {
    await files({ 'ws/main.py': 'print("saved")\n', 'ws/data.csv': '1\n' });
    const main = join(ws, 'main.py');
    const { packed } = await packRun(entry(main, 'print("edited")\n', true), {
      ...options,
      plan: planProject(main, ws, { mode: 'file' }),
    });
    assert.deepEqual(await sent(packed.bytes), { 'main.py': 'print("edited")\n' });
    assert.deepEqual(packed.unsaved, ['main.py']);
    const { packed: untitled } = await packRun(
      { fileName: 'Untitled-1.py', path: undefined, text: 'print(2)\n', dirty: true },
      { ...options, plan: planProject(undefined, ws, { mode: 'auto' }) },
    );
    assert.deepEqual(await sent(untitled.bytes), { 'Untitled-1.py': 'print(2)\n' });
  });

  it('refuses a project over the cap, naming its largest file', async () => {
    await files({ 'ws/main.py': 'print(1)\n', 'ws/big.bin': 'x'.repeat(80 * 1024) });
    const main = join(ws, 'main.py');
    await assert.rejects(
      packRun(entry(main, 'print(1)\n'), {
        ...options,
        maxBytes: 64 * 1024,
        plan: planProject(main, ws, { mode: 'auto' }),
      }),
      (error: unknown) =>
        error instanceof OrangeError &&
        error.code === 'PROJECT_TOO_LARGE' &&
        /largest: big\.bin \(80\.0 KiB\)/.test(error.message),
    );
  });

  it('refuses a link that leaves the project, naming it', async () => {
    await files({ 'ws/main.py': 'print(1)\n', 'secret.txt': 's' });
    await symlink(join(base, 'secret.txt'), join(ws, 'creds.txt'));
    const main = join(ws, 'main.py');
    await assert.rejects(
      packRun(entry(main, 'print(1)\n'), {
        ...options,
        plan: planProject(main, ws, { mode: 'auto' }),
      }),
      (error: unknown) =>
        error instanceof OrangeError &&
        error.code === 'PROJECT_LINK_OUTSIDE' &&
        /^creds\.txt is a symbolic link/.test(error.message),
    );
  });

  it('refuses an entry outside the folder the setting names', async () => {
    await files({ 'ws/a/main.py': 'print(1)\n', 'ws/b/x.py': 'x' });
    const main = join(ws, 'a/main.py');
    await assert.rejects(
      packRun(entry(main, 'print(1)\n'), {
        ...options,
        plan: planProject(main, ws, { mode: 'folder', folder: 'b' }),
      }),
      { code: 'PROJECT_ENTRY_OUTSIDE' },
    );
  });

  it('refuses an empty entry as it does a script alone', async () => {
    await files({ 'ws/main.py': 'print(1)\n' });
    const main = join(ws, 'main.py');
    await assert.rejects(
      packRun(entry(main, '  \n', true), {
        ...options,
        plan: planProject(main, ws, { mode: 'auto' }),
        unsaved: new Map([[main, new TextEncoder().encode('  \n')]]),
      }),
      { code: 'EMPTY_SCRIPT' },
    );
  });
});
