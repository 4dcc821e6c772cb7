import { spawn } from 'node:child_process';
import { OrangeError } from '../errors.js';
import { pipConfiguration, type PipConfiguration } from './pip-configuration.js';

/** What one pip invocation printed and how it ended. */
export interface PipOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `python -m pip ARGS` on the requester's machine. An interface so tests can fake pip;
 * the real one inherits the user's environment, so pip's own configuration (index, find-links,
 * certificates, `PIP_*` variables) applies as it does to the user's own pip.
 */
export interface PipRunner {
  run(args: readonly string[]): Promise<PipOutcome>;
  /**
   * What of pip's configuration shapes the wheels it picks (index, find-links...), for the
   * wheel cache key; a runner without it (a fake) is keyed on the request alone.
   */
  configuration?(): Promise<PipConfiguration>;
}

export interface SystemPipOptions {
  /** The interpreter that runs pip; default `python3`. */
  python?: string;
  env?: NodeJS.ProcessEnv;
}

/** pip as the user has it: `python3 -m pip`. */
export function systemPip(options: SystemPipOptions = {}): PipRunner {
  const python = options.python ?? 'python3';
  const env = options.env ?? process.env;
  return {
    configuration: () => pipConfiguration(env),
    run: (args) =>
      new Promise((resolve, reject) => {
        const child = spawn(python, ['-m', 'pip', ...args], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'ENOENT' ? pipMissing(`${python} was not found`, error) : error),
        );
        child.on('close', (code, signal) => {
          const stderr = Buffer.concat(err).toString('utf8');
          if (code !== 0 && /No module named pip\b/.test(stderr)) {
            reject(pipMissing(`${python} has no pip module`));
            return;
          }
          resolve({
            exitCode: code ?? (signal ? 128 : 1),
            stdout: Buffer.concat(out).toString('utf8'),
            stderr,
          });
        });
      }),
  };
}

function pipMissing(what: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'PIP_MISSING',
    `The script declares dependencies, but pip is needed to fetch their wheels and ${what}.`,
    {
      hint: 'Install pip for Python 3 (e.g. "python3 -m ensurepip --user", or your system\'s python3-pip package), or remove the dependencies. Nothing was posted.',
      cause,
    },
  );
}
