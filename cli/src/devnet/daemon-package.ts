import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed provider daemon package: its built start and its machine scripts. */
export function daemonPackageDir(): string {
  return dirname(fileURLToPath(import.meta.resolve('@orange-cloud/provider-daemon/package.json')));
}

/** The daemon's compiled start (built by `npm run build -w @orange-cloud/provider-daemon`). */
export const daemonMain = () => join(daemonPackageDir(), 'dist', 'main.js');
