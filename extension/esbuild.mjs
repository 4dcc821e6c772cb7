// Bundles the extension into one CommonJS file for VS Code's Node extension
// host (Helia and libp2p are ESM-only; esbuild folds them in), and copies the
// Umbral WASM beside it: umbral-pre's Node build reads it from __dirname.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const require = createRequire(join(here, '../sdk/package.json'));

/** The bundle is CJS: `import.meta.url` / `.resolve` become their CommonJS equivalents. */
const importMeta = {
  define: {
    'import.meta.url': '__orange_import_meta_url',
    'import.meta.resolve': '__orange_import_meta_resolve',
  },
  banner: {
    js: [
      "const __orange_import_meta_url = require('url').pathToFileURL(__filename).href;",
      "const __orange_import_meta_resolve = (s) => require('url').pathToFileURL(require.resolve(s)).href;",
    ].join('\n'),
  },
};

export async function bundle({ entry, outfile, external = [], mainFields }) {
  await build({
    entryPoints: [join(here, entry)],
    outfile: join(here, outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode', ...external],
    ...(mainFields ? { mainFields } : {}),
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    ...importMeta,
  });
  // main points at pkg-node/umbral_pre_wasm.js, which loads the .wasm beside it.
  const wasm = join(dirname(require.resolve('@nucypher/umbral-pre')), 'umbral_pre_wasm_bg.wasm');
  await mkdir(dirname(join(here, outfile)), { recursive: true });
  await copyFile(wasm, join(dirname(join(here, outfile)), 'umbral_pre_wasm_bg.wasm'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (production) await rm(join(here, 'dist'), { recursive: true, force: true }); // no stale source maps in the .vsix
  await bundle({ entry: 'src/extension.ts', outfile: 'dist/extension.cjs' });
  // Share Compute's provider daemon, whole: the .vsix is packaged with --no-dependencies. Native
  // add-ons are optional to dockerode's ssh transport (which the daemon does not use) and load
  // inside try/catch: they stay out.
  await bundle({
    entry: '../provider-daemon/src/main.ts',
    outfile: 'dist/provider-daemon.cjs',
    external: ['cpu-features', '*.node'],
    // Packages' ES builds first: a UMD build (jsonc-parser's) requires its parts by computed
    // paths, which a bundle cannot follow.
    mainFields: ['module', 'main'],
  });
  if (process.argv.includes('--tests')) {
    // For @vscode/test-cli (.vscode-test.mjs), which brings its own mocha.
    await bundle({
      entry: 'src/test/e2e/extension.e2e.test.ts',
      outfile: 'out/test/extension.e2e.test.cjs',
      external: ['mocha'],
    });
  }
}
