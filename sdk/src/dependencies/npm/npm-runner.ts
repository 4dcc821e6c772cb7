import { OrangeError } from '../../errors.js';
import { runTool, type ToolOutcome } from '../run-tool.js';
import { npmConfiguration, type NpmConfiguration } from './npm-configuration.js';

/**
 * Runs the user's `npm ARGS` on the requester's machine. An interface so tests can fake npm;
 * the real one inherits the user's environment, so npm's own configuration (registry, auth,
 * proxy, `npm_config_*` variables, ~/.npmrc) applies as it does to the user's own npm.
 */
export interface NpmRunner {
  run(args: readonly string[]): Promise<ToolOutcome>;
  /** `npm --version`, e.g. `10.8.2`. */
  version(): Promise<string>;
  /** What of npm's configuration shapes the tree, for the cache key; a fake may leave it out. */
  configuration?(): Promise<NpmConfiguration>;
}

export interface SystemNpmOptions {
  /** The npm command; default `npm`, found on the environment's PATH. */
  npm?: string;
  env?: NodeJS.ProcessEnv;
}

/** npm as the user has it: the `npm` on their PATH. */
export function systemNpm(options: SystemNpmOptions = {}): NpmRunner {
  const npm = options.npm ?? 'npm';
  const env = options.env ?? process.env;
  const run = (args: readonly string[]) =>
    runTool(npm, args, { env, missing: (cause) => npmMissing(npm, cause) });
  return {
    run,
    configuration: () => npmConfiguration(env),
    version: async () => {
      const outcome = await run(['--version']);
      if (outcome.exitCode !== 0) throw npmMissing(npm, outcome.stderr.trim());
      return outcome.stdout.trim();
    },
  };
}

function npmMissing(npm: string, cause: unknown): OrangeError {
  return new OrangeError(
    'NPM_MISSING',
    `The project's package.json declares dependencies, but "${npm}" was not found on PATH (or does not run); they are prepared with your own npm.`,
    {
      hint: 'Install Node.js with npm (npm must be on PATH where Orange Cloud runs), or remove the dependencies from package.json. Nothing was posted.',
      cause,
    },
  );
}
