#!/usr/bin/env -S node --optimize-for-size --max-semi-space-size=1 --no-opt --no-sparkplug --no-maglev
// The flags are src/node-flags.ts (a shebang cannot import them; a unit test keeps them equal).
// Starts the built daemon (dist/, made by `npm ci` through the root prepare script).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    'orange-provider: the daemon is not built. Run `npm run build` in the project.\n',
  );
  process.exit(70);
}
await import(built.href);
