import * as assert from 'node:assert/strict';
import { DAEMON_NODE_FLAGS } from '@orange-cloud/provider-daemon/node-flags';
import { OrangeError } from '@orange-cloud/sdk';
import { launchPlan, nodeIsRecentEnough } from './daemon-launch.js';

const script = ['/ext/dist/provider-daemon.cjs', '--config', '/s/provider.json'];

describe('daemon launch plan', () => {
  it('knows which Node versions have node:sqlite', () => {
    assert.equal(nodeIsRecentEnough('22.5.0'), true);
    assert.equal(nodeIsRecentEnough('v24.1.0'), true);
    assert.equal(nodeIsRecentEnough('22.4.1'), false);
    assert.equal(nodeIsRecentEnough('20.19.0'), false);
  });

  it("runs on the extension host's own Node when it is recent enough", () => {
    const plan = launchPlan(
      { execPath: '/usr/bin/node', versions: { node: '22.20.0' } },
      [],
      script[0]!,
      script[2]!,
    );
    assert.deepEqual(plan, {
      command: '/usr/bin/node',
      args: [...DAEMON_NODE_FLAGS, ...script],
      env: {},
      node: "the extension host's Node 22.20.0",
    });
  });

  it('runs Electron as Node, with the sqlite flag its older Node needs', () => {
    const plan = launchPlan(
      { execPath: '/opt/code/code', versions: { node: '22.9.0', electron: '34.0.0' } },
      [],
      script[0]!,
      script[2]!,
    );
    assert.equal(plan.command, '/opt/code/code');
    assert.deepEqual(plan.env, { ELECTRON_RUN_AS_NODE: '1' });
    assert.deepEqual(plan.args, [...DAEMON_NODE_FLAGS, '--experimental-sqlite', ...script]);
  });

  it('falls back to the first recent node on PATH', () => {
    const plan = launchPlan(
      { execPath: '/opt/code/code', versions: { node: '20.18.0', electron: '32.0.0' } },
      [
        { path: '/usr/bin/node', version: '18.19.0' },
        { path: '/home/u/.nvm/node', version: 'v22.14.0' },
      ],
      script[0]!,
      script[2]!,
    );
    assert.equal(plan.command, '/home/u/.nvm/node');
    assert.deepEqual(plan.env, {});
    assert.deepEqual(plan.args, [...DAEMON_NODE_FLAGS, ...script]);
  });

  it('says what to install when no Node is recent enough', () => {
    assert.throws(
      () =>
        launchPlan(
          { execPath: '/opt/code/code', versions: { node: '20.18.0', electron: '32.0.0' } },
          [{ path: '/usr/bin/node', version: '18.19.0' }],
          script[0]!,
          script[2]!,
        ),
      (error: unknown) =>
        error instanceof OrangeError &&
        error.code === 'NODE_MISSING' &&
        /Node\.js 22\.5 or later/.test(error.message) &&
        /\/usr\/bin\/node is 18\.19\.0/.test(error.message) &&
        /Install Node\.js 22/.test(error.hint ?? ''),
    );
  });
});
