// The same end-to-end suite through @vscode/test-cli, for machines that can
// download VS Code (this one cannot: `npm run test:e2e` uses code-server).
// Start a devnet first: `ORANGE_HOME=/tmp/oc npx orange devnet up`, then
// `ORANGE_HOME=/tmp/oc npm run test:vscode -w extension`.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@vscode/test-cli';
import { e2eWorkspace } from './scripts/e2e-workspace.mjs';

export default defineConfig({
  files: 'out/test/extension.e2e.test.cjs',
  workspaceFolder: await e2eWorkspace(await mkdtemp(join(tmpdir(), 'orange-vscode-test-'))),
  extensionDevelopmentPath: '.',
  env: { ORANGE_HOME: process.env.ORANGE_HOME ?? '' },
  mocha: { ui: 'bdd', timeout: 240_000 },
});
