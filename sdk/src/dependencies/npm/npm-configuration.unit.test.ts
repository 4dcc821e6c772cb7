import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmConfigFiles, npmConfiguration } from './npm-configuration.js';

describe("the user's npm configuration, as the npm cache sees it", () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'orange-npmconf-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('looks at the global and user npmrc npm reads, or the ones the environment names', () => {
    assert.deepEqual(npmConfigFiles({ HOME: home }), [
      '/etc/npmrc',
      '/usr/etc/npmrc',
      '/usr/local/etc/npmrc',
      join(home, '.npmrc'),
    ]);
    assert.deepEqual(
      npmConfigFiles({
        HOME: home,
        NPM_CONFIG_USERCONFIG: '/u/rc',
        npm_config_globalconfig: '/g/rc',
      }),
      ['/g/rc', '/u/rc'],
    );
  });

  it('changes with an npm_config_* variable (any case) or ~/.npmrc, not with what npm run sets', async () => {
    const env = { HOME: home, npm_config_registry: 'http://one.example/', PATH: '/usr/bin' };
    const before = await npmConfiguration(env);
    assert.deepEqual(before.variables, { npm_config_registry: 'http://one.example/' });
    assert.deepEqual(
      await npmConfiguration({
        ...env,
        npm_config_local_prefix: '/elsewhere',
        npm_config_user_agent: 'npm/11',
      }),
      before,
    );
    assert.notDeepEqual(
      await npmConfiguration({ ...env, NPM_CONFIG_REGISTRY: 'http://two.example/' }),
      before,
    );
    await writeFile(join(home, '.npmrc'), '@scope:registry=http://three.example/\n');
    const withFile = await npmConfiguration(env);
    assert.ok(withFile.files.some((f) => f.path === join(home, '.npmrc')));
    await writeFile(join(home, '.npmrc'), '@scope:registry=http://four.example/\n');
    assert.notDeepEqual(await npmConfiguration(env), withFile);
  });
});
