import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { INSTALL_SCRIPTS_ALLOWED, NODE_MODULES_ARCHIVE } from '@orange-cloud/sdk';
import { INSTALL_STEP } from './install-step.js';
import { NPM_INSTALL_STEP } from './npm-install-step.js';

interface Member {
  name: string;
  content?: string;
  mode?: number;
  type?: 'file' | 'symlink' | 'directory';
  linkname?: string;
}

/** A tar of these members, written as given (hostile ones included). */
async function tarOf(members: Member[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const m of members) {
    const header = {
      name: m.name,
      mode: m.mode ?? 0o644,
      type: m.type ?? 'file',
      linkname: m.linkname,
    };
    if (m.type && m.type !== 'file') archive.entry(header);
    else archive.entry(header, m.content ?? '');
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

const LONG = `a/node_modules/${'b'.repeat(70)}/node_modules/${'c'.repeat(70)}`;

const manifest = (name: string, scripts?: Record<string, string>) =>
  JSON.stringify({ name, version: '1.0.0', ...(scripts ? { scripts } : {}) });

/**
 * The npm install step's Python, run by the machine's python3 and sh on trees this test packs:
 * what lands where, which scripts run, and what is refused. The same code runs inside the
 * container (the Node.js e2e tests run it hardened).
 */
describe('the npm install step', function () {
  this.timeout(30_000);
  let dir: string;
  let root: string;
  let base: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-npm-install-'));
    root = join(dir, 'job');
    base = join(dir, 'deps');
    await mkdir(join(root, '.orange', 'npm'), { recursive: true });
    await mkdir(base);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Runs install_node_modules(root, base); resolves with what it printed and its stderr. */
  function install(): Promise<{ stdout: string; stderr: string }> {
    // Outside a container there is nothing of the job's to end: kill_others does nothing here.
    const program = `${INSTALL_STEP}
${NPM_INSTALL_STEP}
import json, sys
try:
    print(json.dumps({"ms": install_node_modules(sys.argv[1], sys.argv[2], lambda: None)}))
except InstallFailed as failed:
    print(json.dumps({"failed": failed.wheel, "reason": failed.reason}))
`;
    return new Promise((resolve, reject) => {
      execFile('python3', ['-I', '-c', program, root, base], (error, stdout, stderr) =>
        error ? reject(new Error(stderr, { cause: error })) : resolve({ stdout, stderr }),
      );
    });
  }
  const tree = async (members: Member[], allowed = false) => {
    await writeFile(join(root, NODE_MODULES_ARCHIVE), await tarOf(members));
    if (allowed) await writeFile(join(root, INSTALL_SCRIPTS_ALLOWED), '');
  };

  it('unpacks the tree beside the job, links node_modules to it and removes .orange/', async () => {
    await tree([
      { name: 'shout/package.json', content: manifest('shout') },
      { name: 'shout/index.js', content: 'module.exports = 1;\n' },
      { name: 'shout/bin/run', content: '#!/bin/sh\n', mode: 0o755 },
      { name: '@scope/inner/package.json', content: manifest('@scope/inner') },
      { name: `${LONG}/index.js`, content: 'deep' },
    ]);
    const out = JSON.parse((await install()).stdout) as { ms: number };
    assert.ok(Number.isInteger(out.ms) && out.ms >= 0);
    assert.equal(await readlink(join(root, 'node_modules')), join(base, 'node_modules'));
    assert.equal(
      await readFile(join(root, 'node_modules', 'shout', 'index.js'), 'utf8'),
      'module.exports = 1;\n',
    );
    assert.equal((await stat(join(base, 'node_modules/shout/bin/run'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(base, 'node_modules/shout/index.js'))).mode & 0o777, 0o644);
    // a name longer than tar's 100 bytes travels in a pax header and comes out whole
    assert.equal(await readFile(join(base, 'node_modules', LONG, 'index.js'), 'utf8'), 'deep');
    await assert.rejects(stat(join(root, '.orange')));
  });

  it('does nothing without a tree', async () => {
    await rm(join(root, '.orange'), { recursive: true });
    assert.deepEqual(JSON.parse((await install()).stdout), { ms: null });
    await assert.rejects(stat(join(root, 'node_modules')));
  });

  it('never runs an install script the requester did not allow', async () => {
    await tree([
      {
        name: 'built/package.json',
        content: manifest('built', { postinstall: 'echo ran > ran.txt' }),
      },
    ]);
    await install();
    assert.deepEqual((await readdir(join(base, 'node_modules/built'))).sort(), ['package.json']);
  });

  it('runs allowed scripts as npm would: dependencies first, events in order, output on stderr', async () => {
    const log = join(dir, 'order.log');
    const scripts = (name: string) => ({
      preinstall: `echo ${name}-pre $npm_lifecycle_event $npm_package_name >> ${log}`,
      postinstall: `echo ${name}-post >> ${log}; echo visible-on-stderr; pwd > where.txt`,
    });
    await tree(
      [
        { name: 'app-dep/package.json', content: manifest('app-dep', scripts('outer')) },
        {
          name: 'app-dep/node_modules/inner/package.json',
          content: manifest('inner', scripts('inner')),
        },
        { name: 'plain/package.json', content: manifest('plain') },
      ],
      true,
    );
    const r = await install();
    assert.ok('ms' in JSON.parse(r.stdout), r.stdout);
    assert.match(r.stderr, /visible-on-stderr/);
    assert.doesNotMatch(r.stdout, /visible-on-stderr/);
    assert.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), [
      'inner-pre preinstall inner',
      'inner-post',
      'outer-pre preinstall app-dep',
      'outer-post',
    ]);
    assert.equal(
      (await readFile(join(base, 'node_modules/app-dep/where.txt'), 'utf8')).trim(),
      join(base, 'node_modules/app-dep'),
    );
  });

  it('fails naming the package and the script when an allowed script fails', async () => {
    await tree(
      [{ name: 'broken/package.json', content: manifest('broken', { install: 'exit 3' }) }],
      true,
    );
    assert.deepEqual(JSON.parse((await install()).stdout), {
      failed: 'broken@1.0.0',
      reason: 'its install script (exit 3) exited with code 3',
    });
  });

  for (const [members, label, reason] of <[Member[], string, RegExp][]>[
    [[{ name: '../escaped.js', content: 'x' }], 'a member escaping upwards', /refusing member/],
    [[{ name: '/tmp/absolute.js', content: 'x' }], 'an absolute member', /refusing member/],
    [
      [{ name: 'evil/link', type: 'symlink', linkname: '/etc/passwd' }],
      'a symbolic link',
      /refusing member 'evil\/link'/,
    ],
  ]) {
    it(`refuses ${label} and writes nothing outside`, async () => {
      await tree(members);
      const out = JSON.parse((await install()).stdout) as { failed: string; reason: string };
      assert.equal(out.failed, 'node_modules');
      assert.match(out.reason, reason);
      assert.deepEqual((await readdir(dir)).sort(), ['deps', 'job']);
      assert.deepEqual(await readdir(join(base, 'node_modules')), []);
    });
  }

  it('refuses an archive that is not a tar', async () => {
    await writeFile(join(root, NODE_MODULES_ARCHIVE), 'not a tar at all');
    const out = JSON.parse((await install()).stdout) as { failed: string; reason: string };
    assert.equal(out.failed, 'node_modules');
  });
});
