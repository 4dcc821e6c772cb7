import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OrangeError } from '@orange-cloud/sdk';
import { daemonPackageDir } from './daemon-package.js';

const run = promisify(execFile);

/** Starts Docker and builds the runtime images where the machine allows (root on Debian). */
export async function ensureMachine(progress: (line: string) => void): Promise<void> {
  const scripts = join(daemonPackageDir(), 'scripts');
  for (const [script, what] of [
    ['ensure-docker.sh', 'Docker engine'],
    ['ensure-runtime-image.sh', 'runtime images (python3, python-data, node + wasi)'],
  ] as const) {
    progress(
      `checking the ${what}${script === 'ensure-runtime-image.sh' ? ' (the first build takes several minutes)' : ''}`,
    );
    try {
      // the first build of python-data downloads ~300 Debian packages: minutes, not seconds
      await run('bash', [join(scripts, script)], { timeout: 1_800_000 });
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
      throw new OrangeError(
        'MACHINE_NOT_READY',
        `The ${what} is not available: ${stderr || String(error)}`,
        {
          hint: 'Install and start Docker Engine, then run `npx orange devnet up` again.',
          cause: error,
        },
      );
    }
  }
}
