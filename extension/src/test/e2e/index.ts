/**
 * Entry point VS Code loads as `extensionTestsPath`: runs the end-to-end
 * suite with mocha inside the real extension host (code-server here, an
 * Electron VS Code through @vscode/test-cli elsewhere).
 */
import * as mochaModule from 'mocha';

type MochaClass = typeof import('mocha');
/** mocha 12 is ESM; loaded through require() its class is `Mocha` (or `default`) on the namespace. */
function mochaClass(): MochaClass {
  const found =
    (mochaModule as unknown as { Mocha?: MochaClass; default?: MochaClass }).Mocha ??
    (mochaModule as unknown as { default?: MochaClass }).default;
  if (typeof found !== 'function') {
    throw new Error(`mocha did not load as expected: ${Object.keys(mochaModule).join(', ')}`);
  }
  return found;
}

export async function run(): Promise<void> {
  const Mocha = mochaClass();
  const mocha = new Mocha({ ui: 'bdd', timeout: 240_000, color: false, reporter: 'spec' });
  // ORANGE_E2E_GREP runs only the tests whose titles match (e.g. "Share Compute").
  if (process.env.ORANGE_E2E_GREP) mocha.grep(process.env.ORANGE_E2E_GREP);
  mocha.suite.emit('pre-require', globalThis, 'extension.e2e.test', mocha);
  await import('./extension.e2e.test.js');
  await import('./share.e2e.test.js');
  // Last: it sets orangeCloud.subgraphURL (and back), and alone imports a wallet of its own.
  await import('./subgraph.e2e.test.js');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} end-to-end test(s) failed`);
}
