import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestWheel, type TestWheel } from '@orange-cloud/sdk/testing';
import { INSTALL_STEP, WHEELS_SUBDIR } from './install-step.js';

/**
 * The install step's Python, run by the machine's python3 on wheels this test writes: what
 * lands where, and what is refused. The same code runs inside the container (see the
 * sandbox's e2e tests for the hardened run).
 */
describe('the dependency install step', function () {
  this.timeout(30_000);
  let dir: string;
  let root: string;
  let base: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-install-'));
    root = join(dir, 'job');
    base = join(dir, 'deps');
    await mkdir(join(root, WHEELS_SUBDIR), { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** base/lib/pythonX.Y/site-packages, for whichever python3 this machine has. */
  const site = () => join(base, 'lib', readdirSync(join(base, 'lib'))[0]!, 'site-packages');

  /** Runs install_dependencies(root, base); resolves with what it printed and its exit code. */
  function install(): Promise<{ code: number; stdout: string; stderr: string }> {
    const program = `${INSTALL_STEP}
import json, os, sys
try:
    ms = install_dependencies(sys.argv[1], sys.argv[2])
    print(json.dumps({"ms": ms, "userbase": os.environ.get("PYTHONUSERBASE")}))
except InstallFailed as failed:
    print(json.dumps({"wheel": failed.wheel, "reason": failed.reason}))
`;
    return new Promise((resolve) => {
      execFile('python3', ['-I', '-c', program, root, base], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  }
  const wheel = (spec: TestWheel) => writeTestWheel(join(root, WHEELS_SUBDIR), spec);

  it('installs purelib and platlib members into site-packages and removes .orange/', async () => {
    await wheel({
      name: 'orange_greeting',
      version: '1.0',
      files: {
        'orange_greeting/__init__.py': 'HI = "hi"\n',
        'orange_greeting-1.0.data/platlib/orange_native_part.py': 'X = 1\n',
        'orange_greeting-1.0.data/scripts/greet': '#!/bin/sh\necho hi\n',
        'orange_greeting.pth': 'import os\n',
      },
    });
    const r = await install();
    const out = JSON.parse(r.stdout) as { ms: number; userbase: string };
    assert.equal(out.userbase, base);
    assert.ok(Number.isInteger(out.ms) && out.ms >= 0);
    assert.equal(
      await readFile(join(site(), 'orange_greeting/__init__.py'), 'utf8'),
      'HI = "hi"\n',
    );
    assert.equal(await readFile(join(site(), 'orange_native_part.py'), 'utf8'), 'X = 1\n');
    assert.ok((await readdir(site())).includes('orange_greeting.pth'));
    assert.ok((await readdir(site())).includes('orange_greeting-1.0.dist-info'));
    // Scripts are not installed; the wheels and .orange/ are gone from the job folder.
    const everything = await readdir(base, { recursive: true });
    assert.ok(!everything.some((p) => p.endsWith('greet')), everything.join(', '));
    await assert.rejects(stat(join(root, '.orange')));
  });

  it('does nothing without wheels', async () => {
    await rm(join(root, '.orange'), { recursive: true });
    const r = await install();
    assert.deepEqual(JSON.parse(r.stdout), { ms: null, userbase: null });
  });

  for (const [member, label] of <[string, string][]>[
    ['../../escaped.py', 'a member escaping upwards'],
    ['/tmp/absolute.py', 'an absolute member'],
    ['orange_bad-1.0.data/purelib/../../../../escaped.py', 'an escape through .data'],
  ]) {
    it(`refuses ${label}, naming the wheel, and writes nothing outside`, async () => {
      await wheel({
        name: 'orange_bad',
        version: '1.0',
        files: { 'orange_bad.py': 'X = 1\n' },
        rawMembers: { [member]: 'print("escaped")\n' },
      });
      const r = await install();
      const out = JSON.parse(r.stdout) as { wheel: string; reason: string };
      assert.equal(out.wheel, 'orange_bad-1.0-py3-none-any.whl');
      assert.match(out.reason, /would be installed outside the site folder/);
      assert.deepEqual((await readdir(dir)).sort(), ['deps', 'job']);
      await assert.rejects(stat(join(base, 'escaped.py')));
    });
  }

  it('refuses a file that is not a zip', async () => {
    await writeFile(join(root, WHEELS_SUBDIR, 'junk-1.0-py3-none-any.whl'), 'not a zip');
    const junk = JSON.parse((await install()).stdout) as { wheel: string; reason: string };
    assert.equal(junk.wheel, 'junk-1.0-py3-none-any.whl');
    assert.match(junk.reason, /not a zip file/i);
  });
});
