import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipConfigFiles, pipConfiguration } from './pip-configuration.js';

describe("the user's pip configuration, as the wheel cache sees it", () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'orange-pipconf-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('looks where pip does, in its order, ending with PIP_CONFIG_FILE', () => {
    const env = { HOME: home, VIRTUAL_ENV: '/venv', PIP_CONFIG_FILE: '/tmp/extra.conf' };
    assert.deepEqual(pipConfigFiles(env), [
      '/etc/xdg/pip/pip.conf',
      '/etc/pip.conf',
      join(home, '.pip', 'pip.conf'),
      join(home, '.config', 'pip', 'pip.conf'),
      '/venv/pip.conf',
      '/tmp/extra.conf',
    ]);
    assert.deepEqual(pipConfigFiles({ HOME: home, PIP_CONFIG_FILE: devNull }), []);
  });

  it('changes when a PIP_* variable or a configuration file changes, and only then', async () => {
    const env = {
      HOME: home,
      XDG_CONFIG_DIRS: join(home, 'none'),
      PIP_INDEX_URL: 'https://one.example/simple',
      PATH: '/usr/bin',
    };
    const before = await pipConfiguration(env);
    assert.deepEqual(before.variables, { PIP_INDEX_URL: 'https://one.example/simple' });
    assert.deepEqual(await pipConfiguration({ ...env, PATH: '/bin' }), before);

    const moved = await pipConfiguration({ ...env, PIP_INDEX_URL: 'https://two.example/simple' });
    assert.notDeepEqual(moved, before);

    const userConf = join(home, '.config', 'pip', 'pip.conf');
    await mkdir(join(home, '.config', 'pip'), { recursive: true });
    await writeFile(userConf, '[global]\nfind-links = /wheels\n');
    const withFile = await pipConfiguration(env);
    assert.deepEqual(
      withFile.files.map((f) => f.path).filter((p) => p.startsWith(home)),
      [userConf],
    );
    await writeFile(userConf, '[global]\nfind-links = /other-wheels\n');
    assert.notDeepEqual(await pipConfiguration(env), withFile);
  });
});
