import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The executable users start (it runs the built dist/bin.js: build before testing). */
export const ORANGE_BIN = fileURLToPath(new URL('../../bin/orange.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `orange` CLI as a user would, in a separate process (in `cwd` when given). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
  cwd?: string,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ORANGE_BIN, ...args],
      {
        env: { ...process.env, ...env },
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        ...(cwd ? { cwd } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
