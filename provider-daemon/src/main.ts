import { OrangeError } from '@orange-cloud/sdk';
import { initCommand, initUsage } from './commands/init.js';
import { runCommand, runUsage } from './commands/run.js';
import { statusCommand, statusUsage } from './commands/status.js';

/** Each subcommand takes the arguments after its name; `orange-provider --config F` means run. */
const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  run: runCommand,
  init: initCommand,
  status: statusCommand,
};

const usage = `Usage: orange-provider <command> [options]

Commands:
  run     take jobs from the market (the default)
  init    write a commented config and create or import the provider's keystore
  status  what the running daemon is doing (online, capacity, jobs, earnings)

${runUsage}

${initUsage}

${statusUsage}`;

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === 'help' || first === '--help' || first === '-h') {
    console.log(usage);
    return;
  }
  if (first !== undefined && !first.startsWith('-')) {
    const command = COMMANDS[first];
    if (!command) {
      console.error(`orange-provider: unknown command "${first}".\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    return command(rest);
  }
  return runCommand(argv);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // node:util parseArgs: an unknown or malformed flag
  if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`orange-provider: ${(error as Error).message}\nSee orange-provider --help.`);
    process.exit(2);
  }
  const message =
    error instanceof OrangeError ? error.userMessage : String((error as Error).stack ?? error);
  console.error(`orange-provider: ${message}`);
  process.exit(1);
});
