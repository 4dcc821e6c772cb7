import * as assert from 'node:assert/strict';
import { outputsRoot } from './outputs-folder.js';

describe('outputs folder', () => {
  it('saves under the workspace folder, else the project, else the extension storage', () => {
    const base = { workspaceFolder: '/ws', projectRoot: '/p', fallback: '/storage' };
    assert.equal(outputsRoot('.orange/outputs', base), '/ws/.orange/outputs');
    assert.equal(
      outputsRoot('.orange/outputs', { ...base, workspaceFolder: undefined }),
      '/p/.orange/outputs',
    );
    assert.equal(
      outputsRoot('out', { workspaceFolder: undefined, projectRoot: undefined, fallback: '/s' }),
      '/s/out',
    );
    assert.equal(outputsRoot('/tmp/results/', base), '/tmp/results');
  });
});
