import { spawn } from 'node:child_process';

/** What one run of a package tool (pip, npm) printed and how it ended. */
export interface ToolOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** The error to throw when the command is not found (ENOENT), instead of Node's own. */
  missing: (cause: unknown) => Error;
}

/**
 * Runs `command ARGS` on the requester's machine with the user's environment and collects its
 * output; the command is looked up on the environment's PATH, as the user's shell would.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<ToolOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? options.missing(error) : error),
    );
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}
