import { Command } from 'commander';
import { CANONICAL_CFA_V1_FORWARDER, DEFAULT_ALLOWANCE, NETWORK_PRESETS } from '@orange-cloud/sdk';
import {
  MAX_PROJECT_MB,
  address,
  blocks,
  historySource,
  positive,
  projectMb,
  seconds,
  wei,
} from './option-parsers.js';
import type { NetworkFlags } from './context.js';
import type { RunOptions } from './commands/run.js';
import type { JobsOptions, OutputOptions } from './commands/jobs.js';
import type { ProvidersOptions } from './commands/providers.js';
import type { WalletShowOptions, WalletWriteOptions } from './commands/wallet.js';
import type { DevnetStatusOptions, DevnetUpCommandOptions } from './commands/devnet.js';
import type { DeployOptions } from './commands/deploy.js';
import type { PayAuthorizeOptions, PayStatusOptions } from './commands/pay.js';

// Each command group's code loads only when one of its commands runs: the
// program itself needs commander alone, so `orange --help` starts at once.
const load = {
  run: () => import('./commands/run.js'),
  jobs: () => import('./commands/jobs.js'),
  providers: () => import('./commands/providers.js'),
  wallet: () => import('./commands/wallet.js'),
  devnet: () => import('./commands/devnet.js'),
  deploy: () => import('./commands/deploy.js'),
  pay: () => import('./commands/pay.js'),
};

/** Where returned files go: a fresh `<jobId>/` folder under this one. */
const DEFAULT_OUT = 'orange-out';
const OUT_HELP = 'save the files the job writes under out/ in DIR/<jobId>/';

function withNetwork(command: Command): Command {
  return command
    .option(
      '--network <name>',
      `network: ${Object.keys(NETWORK_PRESETS).join(', ')}`,
      process.env.ORANGE_NETWORK ?? 'devnet',
    )
    .option('--rpc-url <url>', 'RPC URL (overrides the network preset)')
    .option(
      '--market <address>',
      'market contract address (overrides the network preset)',
      address,
    );
}

/** The options of a command that reads the market's history (see `withHistory` in context.ts). */
function withHistorySource(command: Command): Command {
  return command
    .option(
      '--source <source>',
      "read from the chain's events or the market's subgraph (default: the subgraph when the network has one)",
      historySource,
    )
    .option('--subgraph-url <url>', "the market's subgraph (overrides the network preset)")
    .option(
      '--max-lag <blocks>',
      "read the chain's events instead when the subgraph trails the chain head by more blocks",
      blocks,
    );
}

/** The `orange` command line: every command, its options and help. */
export function buildProgram(): Command {
  const program = new Command('orange')
    .description(
      'Run Python, Node.js and WebAssembly (WASI) files privately on the Orange Cloud compute network.',
    )
    .showHelpAfterError();

  withNetwork(
    program
      .command('run')
      .description("run FILE on a provider and print its output; exits with the script's exit code")
      .argument('<file>', 'file to run: .py, .js, .mjs, .cjs or .wasm (a WASI command)')
      .option('--cpus <n>', 'CPU cores', positive('--cpus'), 1)
      .option('--memory <mb>', 'memory in MB', positive('--memory'), 512)
      .option('--timeout <sec>', 'wall-clock limit in seconds', positive('--timeout'), 60)
      .option('--max-price <wei>', 'highest price per core-second (wei)', wei)
      .option('--provider <address>', 'offer the job to this provider only', address)
      .option(
        '--wait <sec>',
        'when every provider that could run FILE is busy, wait this long for one to free up (0: fail at once)',
        seconds,
        120,
      )
      .option(
        '--runtime <name>',
        "run on this runtime (default: node for .js/.mjs/.cjs, wasi for .wasm; for .py python3, or the first runtime on offer that has the script's imports)",
      )
      .option('--project <dir>', 'send this folder as the project (default: found from FILE)')
      .option('--no-project', 'send FILE alone, without its project')
      .option(
        '--max-project-mb <n>',
        `refuse a project larger than this sealed (at most ${MAX_PROJECT_MB})`,
        projectMb,
        50,
      )
      .option('--out <dir>', OUT_HELP, DEFAULT_OUT)
      .option(
        '--allow-install-scripts',
        "let the npm dependencies' install scripts run in the provider's container, offline, before FILE (refused otherwise)",
      )
      .option(
        '--detach',
        'return once the job is hired and its provider holds the sealed project, and print its id; `orange output JOBID` fetches the result',
      )
      .option('--json', 'print one JSON object instead of text'),
  ).action(async (file: string, opts: RunOptions) => (await load.run()).run(file, opts));

  withNetwork(
    withHistorySource(
      program.command('jobs').description('my jobs, newest first').option('--json', 'print JSON'),
    ),
  ).action(async (opts: JobsOptions) => (await load.jobs()).jobs(opts));

  withNetwork(
    program
      .command('output')
      .description(
        'wait for a job to end, then fetch and decrypt its result and save the files it returned',
      )
      .argument('<jobId>')
      .option('--out <dir>', OUT_HELP, DEFAULT_OUT),
  ).action(async (jobId: string, opts: OutputOptions) => (await load.jobs()).output(jobId, opts));

  withNetwork(
    program
      .command('cancel')
      .description('cancel a job that has not ended (the provider stops it)')
      .argument('<jobId>'),
  ).action(async (jobId: string, opts: NetworkFlags) => (await load.jobs()).cancel(jobId, opts));

  withNetwork(
    withHistorySource(program.command('providers'))
      .description(
        "registered providers; with --for FILE, each one's offer to run it, or why it would not",
      )
      .option('--for <file>', 'ask every provider for an offer to run this file')
      .option('--cpus <n>', 'CPU cores (with --for)', positive('--cpus'), 1)
      .option('--memory <mb>', 'memory in MB (with --for)', positive('--memory'), 512)
      .option(
        '--timeout <sec>',
        'wall-clock limit in seconds (with --for)',
        positive('--timeout'),
        60,
      )
      .option('--max-price <wei>', 'highest price per core-second (wei, with --for)', wei)
      .option(
        '--runtime <name>',
        "the runtime (default: chosen from the file's type and, for Python, its imports)",
      )
      .option('--project <dir>', 'the project folder (default: found from the file)')
      .option('--no-project', 'the file alone, without its project')
      .option(
        '--max-project-mb <n>',
        `refuse a project larger than this sealed (at most ${MAX_PROJECT_MB})`,
        projectMb,
        50,
      )
      .option(
        '--out <dir>',
        'the folder `orange run --out` saves to: left out of the project',
        DEFAULT_OUT,
      )
      .option(
        '--allow-install-scripts',
        "as for `orange run`: npm install scripts may run in the provider's container",
      )
      .option('--json', 'print JSON'),
  ).action(async (opts: ProvidersOptions) => (await load.providers()).providers(opts));

  const wallet = program.command('wallet').description('create, import or show the wallet');

  wallet
    .command('create')
    .description('create a new wallet and show its mnemonic once')
    .option('--force', 'replace an existing wallet')
    .action(async (opts: WalletWriteOptions) => (await load.wallet()).create(opts));

  wallet
    .command('import')
    .description('import a mnemonic or private key (read from the terminal or standard input)')
    .option('--force', 'replace an existing wallet')
    .action(async (opts: WalletWriteOptions) => (await load.wallet()).importSecret(opts));

  withNetwork(
    wallet
      .command('show')
      .description('show the address and balance')
      .option('--json', 'print JSON'),
  ).action(async (opts: WalletShowOptions) => (await load.wallet()).show(opts));

  const devnet = program
    .command('devnet')
    .description('a local network: anvil, the market, a provider and IPFS');

  devnet
    .command('up')
    .description('start (or reuse) the devnet and fund the demo wallet')
    .option('--port <port>', 'anvil port', positive('--port'))
    .option('--no-provider', 'do not start a provider daemon')
    .option('--json', 'print JSON')
    .action(async (opts: DevnetUpCommandOptions) => (await load.devnet()).up(opts));

  devnet
    .command('down')
    .description('stop everything the devnet started')
    .action(async () => (await load.devnet()).down());

  devnet
    .command('status')
    .description('is the devnet running?')
    .option('--json', 'print JSON')
    .action(async (opts: DevnetStatusOptions) => (await load.devnet()).status(opts));

  devnet
    .command('fund')
    .description('give an address (default: your wallet) devnet ETH and payment tokens')
    .argument('[address]', 'address to fund', address)
    .action(async (target: `0x${string}` | undefined) => (await load.devnet()).fund(target));

  program
    .command('deploy')
    .description('deploy the market contract to any RPC with your wallet (same path as the devnet)')
    .requiredOption('--rpc-url <url>', 'RPC URL of the target chain')
    .requiredOption(
      '--super-token <address>',
      'the Superfluid super token jobs are paid in',
      address,
    )
    .option(
      '--forwarder <address>',
      "Superfluid's CFAv1Forwarder on that chain",
      address,
      CANONICAL_CFA_V1_FORWARDER,
    )
    .option('--json', 'print JSON')
    .action(async (opts: DeployOptions) => (await load.deploy()).deploy(opts));

  const pay = program
    .command('pay')
    .description("streaming payments: your balance and the market's permission to stream for you");

  withNetwork(
    pay
      .command('status')
      .description('balance, authorization and allowance left')
      .option('--json', 'print JSON'),
  ).action(async (opts: PayStatusOptions) => (await load.pay()).status(opts));

  withNetwork(
    pay
      .command('authorize')
      .description('let the market stream your job payments, within a flow-rate budget')
      .option(
        '--allowance <tokens-per-second>',
        'budget: the most the market may raise your flows by, summed over all job starts',
        DEFAULT_ALLOWANCE,
      )
      .option('--json', 'print JSON'),
  ).action(async (opts: PayAuthorizeOptions) => (await load.pay()).authorize(opts));

  withNetwork(
    pay.command('revoke').description("take back the market's permission to stream for you"),
  ).action(async (opts: NetworkFlags) => (await load.pay()).revoke(opts));

  return program;
}
