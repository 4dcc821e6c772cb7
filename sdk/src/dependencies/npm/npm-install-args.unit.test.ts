import assert from 'node:assert/strict';
import { npmInstallArgs, npmInstallFailure, takesPlatformFlags } from './npm-install-args.js';
import { LINUX_X64_GLIBC, npmTarget } from './npm-target.js';

describe('npm arguments that prepare a tree for the runtime', () => {
  const request = { locked: true, prefix: '/stage', target: LINUX_X64_GLIBC, npmVersion: '11.6.2' };

  it('installs the lockfile as it is, without scripts, dev dependencies or links, for linux x64 glibc', () => {
    const args = npmInstallArgs({ ...request, extraArgs: ['--offline'] });
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    assert.equal(args[0], 'ci');
    assert.equal(value('--prefix'), '/stage');
    for (const flag of ['--ignore-scripts', '--omit=dev', '--no-bin-links', '--install-links'])
      assert.ok(args.includes(flag), flag);
    assert.equal(value('--os'), 'linux');
    assert.equal(value('--cpu'), 'x64');
    assert.equal(value('--libc'), 'glibc');
    assert.equal(args.at(-1), '--offline');
    assert.equal(npmInstallArgs({ ...request, locked: false })[0], 'install');
  });

  it('passes the platform flags only to an npm that knows them', () => {
    assert.ok(takesPlatformFlags('10.3.0'));
    assert.ok(takesPlatformFlags('11.0.0'));
    assert.ok(!takesPlatformFlags('10.2.4'));
    assert.ok(!takesPlatformFlags('9.9.9'));
    assert.ok(!npmInstallArgs({ ...request, npmVersion: '9.8.1' }).includes('--os'));
    assert.ok(npmInstallArgs({ ...request, npmVersion: '9.8.1' }).includes('--ignore-scripts'));
  });

  it("names the runtime's platform in npm's terms, or nothing for one it cannot", () => {
    assert.deepEqual(npmTarget('linux-aarch64', 'glibc-2.36'), {
      os: 'linux',
      cpu: 'arm64',
      libc: 'glibc',
      label: 'Linux ARM64 (glibc)',
    });
    assert.equal(LINUX_X64_GLIBC.label, 'Linux x86-64 (glibc)');
    assert.equal(npmTarget('macosx-14-arm64', 'glibc-2.36'), undefined);
  });

  it("shows npm's error lines, and what to do when the lockfile is stale", () => {
    const stale = npmInstallFailure(
      'npm error code EUSAGE\nnpm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.\nnpm error A complete log of this run can be found in: /x\n',
      LINUX_X64_GLIBC,
    );
    assert.equal(stale.code, 'NPM_FAILED');
    assert.match(stale.message, /for Linux x86-64 \(glibc\):\nnpm error code EUSAGE/);
    assert.doesNotMatch(stale.message, /complete log/);
    assert.match(stale.hint ?? '', /run "npm install" in the project/);
    const offline = npmInstallFailure('npm error code ENOTCACHED\n', LINUX_X64_GLIBC);
    assert.match(offline.hint ?? '', /registry, auth, proxy/);
  });
});
