// The same end-to-end suite through @vscode/test-cli, for machines that can
// download VS Code (this one cannot: `npm run test:e2e` uses code-server).
// Start a devnet first: `ORANGE_HOME=/tmp/oc npx orange devnet up`, then
// `ORANGE_HOME=/tmp/oc npm run test:vscode -w extension`.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/test/extension.e2e.test.cjs',
  workspaceFolder: '../examples',
  extensionDevelopmentPath: '.',
  env: { ORANGE_HOME: process.env.ORANGE_HOME ?? '' },
  mocha: { ui: 'bdd', timeout: 240_000 },
});
