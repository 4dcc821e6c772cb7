import * as assert from 'node:assert/strict';
import { checkDevnetReadiness, type ReadinessHost } from './devnet-readiness.js';

const CLI_MANIFEST = '/work/p/node_modules/@orange-cloud/cli/package.json';
const ANVIL_MANIFEST = '/work/p/node_modules/@foundry-rs/anvil-linux-amd64/package.json';

/** A machine where each piece is there or not. */
function host(pieces: { cli?: boolean; anvil?: boolean; docker?: boolean }): ReadinessHost {
  return {
    resolve: (request) => {
      if (request.startsWith('@orange-cloud/cli/') && pieces.cli) return CLI_MANIFEST;
      if (request === '@foundry-rs/anvil-linux-amd64/package.json' && pieces.anvil)
        return ANVIL_MANIFEST;
      throw Object.assign(new Error(`Cannot find ${request}`), { code: 'MODULE_NOT_FOUND' });
    },
    readJson: () => ({ bin: { orange: './bin/orange.js' } }),
    exists: (file) => file === '/work/p/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil',
    platform: 'linux',
    arch: 'x64',
    dockerProblem: async () =>
      pieces.docker ? undefined : 'none answers at /var/run/docker.sock: ENOENT',
  };
}

describe('Start Devnet readiness', () => {
  it("is ready with the project's CLI, the anvil beside it and a Docker engine", async () => {
    assert.deepEqual(
      await checkDevnetReadiness(['/work/p'], host({ cli: true, anvil: true, docker: true })),
      {
        ok: true,
        cli: '/work/p/node_modules/@orange-cloud/cli/bin/orange.js',
        folder: '/work/p',
      },
    );
  });

  it('names everything missing at once', async () => {
    const readiness = await checkDevnetReadiness(['/work/p'], host({}));
    assert.equal(readiness.ok, false);
    if (readiness.ok) return;
    assert.equal(readiness.missing.length, 2);
    assert.match(readiness.reason, /^Start Devnet cannot start one here; it needs /);
    assert.match(readiness.reason, /npm i -D @orange-cloud\/cli/);
    assert.match(
      readiness.reason,
      /a running Docker engine \(none answers at \/var\/run\/docker\.sock/,
    );
  });

  it('names a missing anvil beside the CLI', async () => {
    const readiness = await checkDevnetReadiness(['/work/p'], host({ cli: true, docker: true }));
    assert.equal(readiness.ok, false);
    assert.match(
      !readiness.ok ? readiness.reason : '',
      /anvil for linux-x64 beside the CLI \(@foundry-rs\/anvil: run npm install in \/work\/p\)/,
    );
  });

  it('names a missing Docker engine alone when the rest is there', async () => {
    const readiness = await checkDevnetReadiness(['/work/p'], host({ cli: true, anvil: true }));
    assert.deepEqual(!readiness.ok && readiness.missing, [
      'a running Docker engine (none answers at /var/run/docker.sock: ENOENT)',
    ]);
  });

  it('needs an open folder', async () => {
    const readiness = await checkDevnetReadiness([], host({ docker: true, anvil: true }));
    assert.match(!readiness.ok ? readiness.reason : '', /an open project folder/);
  });
});
