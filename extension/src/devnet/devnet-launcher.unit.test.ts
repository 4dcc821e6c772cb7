import * as assert from 'node:assert/strict';
import { devnetCommand, findDevnetLauncher, type LauncherHost } from './devnet-launcher.js';

const host = (installed: Record<string, string>): LauncherHost => ({
  resolve: (request, [folder]) => {
    const found = installed[folder!];
    if (!found)
      throw Object.assign(new Error(`Cannot find ${request}`), { code: 'MODULE_NOT_FOUND' });
    return found;
  },
  readJson: () => ({ bin: { orange: './bin/orange.js' } }),
});

describe('devnet launcher', () => {
  it("runs the CLI the workspace depends on, never npx's public package", () => {
    const launcher = findDevnetLauncher(
      ['/work/a', '/work/b'],
      host({ '/work/b': '/work/b/node_modules/@orange-cloud/cli/package.json' }),
    );
    assert.deepEqual(launcher, {
      ok: true,
      cli: '/work/b/node_modules/@orange-cloud/cli/bin/orange.js',
      folder: '/work/b',
    });
  });

  it('says why when no folder depends on the CLI', () => {
    const launcher = findDevnetLauncher(['/work/a'], host({}));
    assert.equal(launcher.ok, false);
    assert.match(!launcher.ok ? launcher.reason : '', /@orange-cloud\/cli/);
    const none = findDevnetLauncher([], host({}));
    assert.match(!none.ok ? none.reason : '', /no folder is open/);
  });

  it('quotes paths for the shell', () => {
    assert.equal(
      devnetCommand('/opt/node 22/bin/node', "/it's/orange.js"),
      `'/opt/node 22/bin/node' '/it'\\''s/orange.js' devnet up`,
    );
  });
});
