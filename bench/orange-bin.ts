import { fileURLToPath } from 'node:url';

/** The `orange` command as npm installs it for this checkout (run with the bench's own Node 22). */
export const orangeBin = (): string =>
  fileURLToPath(new URL('../node_modules/.bin/orange', import.meta.url));
