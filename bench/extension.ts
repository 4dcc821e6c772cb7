/**
 * The VS Code extension's figures for `npm run bench`: the packaged .vsix and
 * bundle sizes, and the activation time.
 *
 * Activation is measured outside VS Code: a fresh Node 22 process (the
 * extension host's runtime) requires the production bundle with a stub
 * `vscode` module and calls `activate()`. That is the extension's own cost
 * (parsing the 2 MB bundle plus wiring); VS Code's extension host overhead
 * is not included. Activation does no I/O by design: the session, the chain
 * watcher and the embedded IPFS node start on first need, not here.
 *
 * The extension's end-to-end suite also measures, inside code-server's real extension host
 * (real VS Code API, the packaged .vsix, the devnet's provider in Docker): `activate()`, and
 * click -> first output line for hello.py (from the Run on Orange Cloud command, which the
 * button runs, to hello.py's first line in the run's output channel: packing, quoting,
 * posting, the provider's start and the live stream included). It leaves them in
 * extension/.e2e/figures.json; the bench reports them with the time of that run, or says the
 * suite has not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'extension');
const RUNS = 5;

// Runs in the child: every vscode API is a callable, constructible no-op proxy.
const ACTIVATE_SCRIPT = `
const Module = require('node:module');
const stub = () => new Proxy(function () {}, {
  get: (target, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : stub()),
  apply: () => stub(),
  construct: () => stub(),
  set: () => true,
});
// A plain object at the top: the bundle's ESM interop copies the module's own keys.
const vscode = Object.fromEntries(
  ['window', 'commands', 'workspace', 'env', 'languages', 'Uri', 'EventEmitter', 'ThemeIcon', 'ThemeColor', 'TreeItem',
   'TreeItemCollapsibleState', 'StatusBarAlignment', 'ProgressLocation', 'ConfigurationTarget']
    .map((name) => [name, stub()]),
);
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};
const t0 = performance.now();
const extension = require(process.argv[1]);
// Share Compute joins paths under the storage folder: it needs a real string there.
extension.activate({ subscriptions: [], secrets: stub(), globalState: stub(), extensionUri: stub(),
  globalStorageUri: { fsPath: require('node:os').tmpdir() } });
process.stdout.write(String(performance.now() - t0));
`;

function activationMs(bundle: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const child = spawnSync(process.execPath, ['-e', ACTIVATE_SCRIPT, bundle], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`activating the bundle failed: ${child.stderr}`);
    times.push(Number(child.stdout));
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 10) / 10; // the median
}

export async function extensionFigures(): Promise<{
  vsixBytes: number;
  bundleBytes: number;
  activationMs: number;
  codeServer: CodeServerFigures | string;
}> {
  const packaged = spawnSync('npm', ['run', 'package'], { cwd: extensionDir, encoding: 'utf8' });
  if (packaged.status !== 0) throw new Error(`packaging the extension failed: ${packaged.stderr}`);
  const bundle = join(extensionDir, 'dist', 'extension.cjs');
  return {
    vsixBytes: statSync(join(extensionDir, 'dist', 'orange-cloud.vsix')).size,
    bundleBytes: statSync(bundle).size,
    activationMs: activationMs(bundle),
    codeServer: codeServerFigures(),
  };
}

/** What the extension's end-to-end suite measured inside code-server. */
interface CodeServerFigures {
  activationMs: number;
  /** Undefined when that run did not get to run hello.py. */
  clickToFirstOutputMs: number | undefined;
  measuredAt: string;
}

/** What the last end-to-end run measured inside code-server (see scripts/e2e.mjs). */
function codeServerFigures(): CodeServerFigures | string {
  const file = join(extensionDir, '.e2e', 'figures.json');
  if (!existsSync(file)) return 'not measured: run `npm run test:e2e` in extension/ first';
  const { activationMs, clickToFirstOutputMs, at } = JSON.parse(readFileSync(file, 'utf8')) as {
    activationMs: number;
    clickToFirstOutputMs?: number;
    at: string;
  };
  const tenths = (ms: number) => Math.round(ms * 10) / 10;
  return {
    activationMs: tenths(activationMs),
    clickToFirstOutputMs:
      clickToFirstOutputMs === undefined ? undefined : tenths(clickToFirstOutputMs),
    measuredAt: at,
  };
}
