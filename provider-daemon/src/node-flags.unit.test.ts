import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DAEMON_NODE_FLAGS } from './node-flags.js';

describe('the daemon node flags', () => {
  it('are the ones the orange-provider command starts Node with', async () => {
    const bin = await readFile(new URL('../bin/orange-provider.js', import.meta.url), 'utf8');
    const shebang = bin.split('\n')[0]!;
    assert.equal(shebang, `#!/usr/bin/env -S node ${DAEMON_NODE_FLAGS.join(' ')}`);
  });
});
