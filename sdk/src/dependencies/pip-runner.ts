import { OrangeError } from '../errors.js';
import { pipConfiguration, type PipConfiguration } from './pip-configuration.js';
import { runTool, type ToolOutcome } from './run-tool.js';

/** What one pip invocation printed and how it ended. */
export type PipOutcome = ToolOutcome;

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
    run: async (args) => {
      const outcome = await runTool(python, ['-m', 'pip', ...args], {
        env,
        missing: (cause) => pipMissing(`${python} was not found`, cause),
      });
      if (outcome.exitCode !== 0 && /No module named pip\b/.test(outcome.stderr))
        throw pipMissing(`${python} has no pip module`);
      return outcome;
    },
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
