#!/usr/bin/env node
// Starts the built CLI (dist/, made by `npm ci` through the root prepare script).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('orange: the CLI is not built. Run `npm run build` in the project.\n');
  process.exit(70);
}
await import(built.href);
