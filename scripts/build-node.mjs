// Builds a package's Node entry points into its dist/ (run from the package's
// directory: `node ../scripts/build-node.mjs src/bin.ts`), so that starts run
// JavaScript instead of compiling TypeScript every time.
//
// Our own workspace code (@orange-cloud/*, TypeScript sources) is bundled;
// every third-party package stays external and loads from node_modules as it
// is (its WASM, native parts and file reads keep working). ESM with code
// splitting: a dynamic import() becomes its own chunk, loaded only when used.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

const entryPoints = process.argv.slice(2);
if (entryPoints.length === 0) throw new Error('usage: build-node.mjs ENTRY.ts…');

/** Bare specifiers outside @orange-cloud/ resolve at run time, from node_modules. */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@orange-cloud/') ? undefined : { path: args.path, external: true },
    );
  },
};

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints,
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  plugins: [thirdPartyExternal],
  logLevel: 'warning',
});
