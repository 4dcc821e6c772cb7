import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { isAddress, type Address } from 'viem';
import { OrangeError } from '../errors.js';
import { orangeHome, homePaths } from '../config/paths.js';
import { resolveNetwork, NETWORK_PRESETS } from '../config/networks.js';
import { RequesterSession } from '../requester/session.js';
import { keystoreExists, readKeystore, writeKeystore, keystoreInfo } from '../keys/keystore.js';
import { generateMnemonic, normalizeMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { devnetConnection, devnetDown, devnetStatus, devnetUp } from '../devnet/devnet.js';
import { fundOnDevnet } from '../devnet/devnet-chain.js';
import { CANONICAL_CFA_V1_FORWARDER, deployMarket } from '../chain/deploy-market.js';
import { costSoFar, costText, formatRate, formatTokens } from '../payments/payment-terms.js';
import { DEFAULT_ALLOWANCE, parseAllowance } from '../payments/streaming-market.js';
import { dearestPrice } from '../requester/capacity.js';
import { MarketClient, marketChain } from '../chain/market-client.js';
import { createPublicClient, createWalletClient, http } from 'viem';
import { rpcUnreachable } from '../chain/chain-errors.js';
import { packScript } from '../job/payload.js';
import { promptHidden, readStdin } from './prompt.js';
import { formatEther } from 'viem';
import { jobLine, paymentSummary, shortAddress, toJson } from './format.js';

const home = orangeHome();
const stage = (line: string) => process.stderr.write(`› ${line}\n`);

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a positive whole number.`);
  return n;
};
const wei = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of wei.');
  return BigInt(value);
};
const address = (value: string) => {
  if (!isAddress(value)) throw new InvalidArgumentError('must be a 0x address.');
  return value as Address;
};

interface NetworkFlags {
  network: string;
  rpcUrl?: string;
  market?: Address;
}

/** The wallet's passphrase: ORANGE_PASSPHRASE, a prompt on a terminal, or none for an unprotected keystore. */
async function passphrase(path: string): Promise<string> {
  if (process.env.ORANGE_PASSPHRASE !== undefined) return process.env.ORANGE_PASSPHRASE;
  const info = await keystoreInfo(path);
  if (!info.protected) return '';
  if (!process.stdin.isTTY) {
    throw new OrangeError('PASSPHRASE_NEEDED', 'The wallet is protected by a passphrase.', {
      hint: 'Set ORANGE_PASSPHRASE or run the command in a terminal.',
    });
  }
  return promptHidden('Wallet passphrase: ');
}

async function loadSecret() {
  const path = homePaths(home).wallet;
  return readKeystore(path, await passphrase(path));
}

async function openSession(flags: NetworkFlags): Promise<RequesterSession> {
  const connection = await resolveNetwork(flags.network, home, {
    ...(flags.rpcUrl ? { rpcUrl: flags.rpcUrl } : {}),
    ...(flags.market ? { marketAddress: flags.market } : {}),
  });
  const secret = await loadSecret();
  return RequesterSession.open({
    connection,
    secret,
    store: { mode: 'embedded', directory: homePaths(home).requesterIpfs },
  });
}

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

const program = new Command('orange')
  .description('Run Python files privately on the Orange Cloud compute network.')
  .showHelpAfterError();

withNetwork(
  program
    .command('run')
    .description("run FILE on a provider and print its output; exits with the script's exit code")
    .argument('<file>', 'Python file to run')
    .option('--cpus <n>', 'CPU cores', positive('--cpus'), 1)
    .option('--memory <mb>', 'memory in MB', positive('--memory'), 512)
    .option('--timeout <sec>', 'wall-clock limit in seconds', positive('--timeout'), 60)
    .option('--max-price <wei>', 'highest price per core-second (wei)', wei)
    .option('--provider <address>', 'offer the job to this provider only', address)
    .option(
      '--match-timeout <sec>',
      'cancel if no provider accepts within this many seconds',
      positive('--match-timeout'),
      60,
    )
    .option('--json', 'print one JSON object instead of text'),
).action(async (file: string, opts) => {
  let source: Buffer;
  try {
    source = await readFile(file);
  } catch (error) {
    throw new OrangeError(
      'FILE_NOT_FOUND',
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
      {
        hint: 'Check the path. Nothing was posted.',
      },
    );
  }
  // Validate before any network work: a bad file must fail fast and post nothing.
  packScript({ fileName: basename(file), bytes: source });
  const json = Boolean(opts.json);
  const say = json ? () => {} : stage;
  let streamed = false;
  const session = await openSession(opts);
  // Ctrl+C cancels the job on chain (the provider stops it) instead of orphaning it.
  const giveUp = new AbortController();
  process.once('SIGINT', () => {
    stage('cancelling…');
    giveUp.abort();
  });
  let ticker: NodeJS.Timeout | undefined;
  try {
    await session.follow();
    const paymentTerms = await session.market.paymentTerms();
    const outcome = await session.run(
      {
        fileName: basename(file),
        source,
        cores: opts.cpus,
        memoryMb: opts.memory,
        timeoutSec: opts.timeout,
        maxPricePerCoreSecond: opts.maxPrice,
        provider: opts.provider,
        matchTimeoutMs: opts.matchTimeout * 1000,
        signal: giveUp.signal,
      },
      (s) => {
        switch (s.stage) {
          case 'quoted': {
            const { terms } = s.quote;
            return say(
              s.quote.rateWei === 0n
                ? 'free: every fitting provider runs it at no charge'
                : `rate at most ${formatRate(s.quote.rateWei, terms)}; the run costs at most ${formatTokens(s.quote.maxCostWei, terms)} (${opts.timeout} s + ${terms.graceSec} s grace)`,
            );
          }
          case 'posted':
            return say(`posted job ${s.jobId}`);
          case 'accepted':
            return say(`accepted by ${s.provider}`);
          case 'running': {
            if (s.rateWei === 0n) return say('running (free)');
            const terms = paymentTerms;
            say(`running, paying ${formatRate(s.rateWei, terms)} while it runs`);
            // The running cost, for a run long enough to wonder about it.
            const { rateWei, startedAt } = s;
            ticker = setInterval(() => {
              const { seconds, costWei } = costSoFar(rateWei, startedAt, Date.now());
              say(`${seconds} s so far: ${formatTokens(costWei, terms)}`);
            }, 10_000);
            ticker.unref();
            return;
          }
          case 'output':
            if (json) return;
            streamed = true;
            return (s.stream === 'stdout' ? process.stdout : process.stderr).write(s.data);
          case 'notice':
            return say(s.message);
          case 'finished':
            clearInterval(ticker);
            // A completed run gets its own closing line with duration and exit code.
            return s.status === 'completed' ? undefined : say(s.status);
        }
      },
    );
    const r = outcome.result;
    if (json) {
      process.stdout.write(
        toJson({
          jobId: outcome.jobId,
          status: outcome.status,
          exitCode: outcome.exitCode,
          stdout: outcome.stdout,
          stderr: outcome.stderr,
          provider: outcome.provider ?? null,
          manifestCid: outcome.manifestCid,
          resultCid: outcome.resultCid ?? null,
          outputTruncated: r?.outputTruncated ?? false,
          timedOut: r?.timedOut ?? false,
          outOfMemory: r?.outOfMemory ?? false,
          failureReason: outcome.failureReason ?? null,
          durationMs: r?.timings.durationMs ?? null,
          acceptedAfterBlocks: outcome.acceptedAfterBlocks ?? null,
          live: outcome.live
            ? {
                complete: outcome.live.complete,
                matchesResult: outcome.live.matchesResult ?? null,
                reason: outcome.live.reason ?? null,
              }
            : null,
          timings: outcome.timings,
          gasUsed: outcome.gasUsed,
          ...paymentSummary(outcome.payment, outcome.paymentTerms),
        }) + '\n',
      );
    } else if (!(outcome.live?.complete && outcome.live.matchesResult)) {
      // Live output was missing, partial or wrong: print the verified result instead.
      if (streamed) stage('the complete output, from the verified result:');
      process.stdout.write(outcome.stdout);
      process.stderr.write(outcome.stderr);
    }
    if (!json) {
      if (r?.outputTruncated) stage("output was truncated at the provider's output limit");
      if (r?.timedOut) stage(`killed at the ${opts.timeout} s timeout`);
      if (r?.outOfMemory) stage(`killed: out of memory (${opts.memory} MB)`);
      if (outcome.failureReason) stage(`failed: ${outcome.failureReason}`);
      if (r)
        stage(
          `${outcome.status} in ${(r.timings.durationMs / 1000).toFixed(2)} s, exit code ${outcome.exitCode}`,
        );
      if (outcome.payment?.stopped) stage(costText(outcome.payment, outcome.paymentTerms));
    }
    process.exitCode = outcome.status === 'completed' ? (outcome.exitCode ?? 1) : 1;
  } finally {
    clearInterval(ticker);
    await session.close();
  }
});

withNetwork(
  program.command('jobs').description('my jobs, newest first').option('--json', 'print JSON'),
).action(async (opts) => {
  const session = await openSession(opts);
  try {
    const jobs = await session.jobs();
    const terms = await session.market.paymentTerms();
    if (opts.json)
      process.stdout.write(
        toJson(jobs.map((job) => ({ ...job, ...paymentSummary(job.payment, terms) }))) + '\n',
      );
    else if (jobs.length === 0) console.log('No jobs yet. Run one with `npx orange run FILE`.');
    else for (const job of jobs) console.log(jobLine(job, terms));
  } finally {
    await session.close();
  }
});

withNetwork(
  program
    .command('output')
    .description('fetch and decrypt the stored result of a job')
    .argument('<jobId>'),
).action(async (jobId: string, opts) => {
  const session = await openSession(opts);
  try {
    const result = await session.result(BigInt(jobId));
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode ?? 1;
  } finally {
    await session.close();
  }
});

withNetwork(
  program
    .command('cancel')
    .description('cancel a job that has not ended (the provider stops it)')
    .argument('<jobId>'),
).action(async (jobId: string, opts) => {
  if (!/^\d+$/.test(jobId)) throw new OrangeError('INVALID_JOB_ID', `"${jobId}" is not a job id.`);
  const session = await openSession(opts);
  try {
    await session.cancel(BigInt(jobId));
    stage(`job ${jobId} cancelled`);
  } finally {
    await session.close();
  }
});

withNetwork(
  program.command('providers').description('registered providers').option('--json', 'print JSON'),
).action(async (opts) => {
  const session = await openSession(opts);
  try {
    const providers = session.index.activeProviders();
    const terms = await session.market.paymentTerms();
    if (opts.json) process.stdout.write(toJson(providers) + '\n');
    else
      for (const p of providers)
        console.log(
          `${p.address}  ${p.cores} cores  ${p.memoryMb} MB  ${formatRate(p.pricePerCoreSecond, terms)} per core  ${p.runtimes.join(',')}`,
        );
  } finally {
    await session.close();
  }
});

const wallet = program.command('wallet').description('create, import or show the wallet');

async function newPassphrase(): Promise<string> {
  if (process.env.ORANGE_PASSPHRASE !== undefined) return process.env.ORANGE_PASSPHRASE;
  if (!process.stdin.isTTY) return '';
  const first = await promptHidden('New passphrase (empty for none): ');
  const again = await promptHidden('Repeat it: ');
  if (first !== again)
    throw new OrangeError('PASSPHRASE_MISMATCH', 'The passphrases differ; nothing was saved.');
  return first;
}

async function refuseOverwrite(force: boolean) {
  if (!force && (await keystoreExists(homePaths(home).wallet))) {
    throw new OrangeError(
      'WALLET_EXISTS',
      `A wallet already exists at ${homePaths(home).wallet}.`,
      {
        hint: 'Use --force to replace it (the old one is lost unless you kept its mnemonic).',
      },
    );
  }
}

wallet
  .command('create')
  .description('create a new wallet and show its mnemonic once')
  .option('--force', 'replace an existing wallet')
  .action(async (opts) => {
    await refuseOverwrite(Boolean(opts.force));
    const mnemonic = generateMnemonic();
    const pass = await newPassphrase();
    await writeKeystore(homePaths(home).wallet, { mnemonic }, pass);
    const { account } = walletFromSecret({ mnemonic });
    console.log(`Address: ${account.address}`);
    console.log(`Mnemonic (write it down; it is shown only now):\n\n  ${mnemonic}\n`);
    if (!pass) stage('the keystore has no passphrase: anyone with this file can use the wallet');
  });

wallet
  .command('import')
  .description('import a mnemonic or private key (read from the terminal or standard input)')
  .option('--force', 'replace an existing wallet')
  .action(async (opts) => {
    await refuseOverwrite(Boolean(opts.force));
    const input = (
      process.stdin.isTTY ? await promptHidden('Mnemonic or private key: ') : await readStdin()
    ).trim();
    const secret = /^(0x)?[0-9a-fA-F]{64}$/.test(input)
      ? { privateKey: (input.startsWith('0x') ? input : `0x${input}`) as `0x${string}` }
      : { mnemonic: normalizeMnemonic(input) };
    const { account } = walletFromSecret(secret);
    await writeKeystore(homePaths(home).wallet, secret, await newPassphrase());
    console.log(`Imported ${account.address}`);
  });

withNetwork(
  wallet.command('show').description('show the address and balance').option('--json', 'print JSON'),
).action(async (opts) => {
  const { account } = walletFromSecret(await loadSecret());
  let balance: bigint | undefined;
  try {
    const connection = await resolveNetwork(
      opts.network,
      home,
      opts.rpcUrl ? { rpcUrl: opts.rpcUrl } : {},
    );
    balance = await new MarketClient(connection).balance(account.address);
  } catch {
    balance = undefined;
  }
  if (opts.json)
    process.stdout.write(toJson({ address: account.address, balanceWei: balance ?? null }) + '\n');
  else
    console.log(
      `${account.address}${balance === undefined ? '' : `  ${formatEther(balance)} ETH on ${opts.network}`}`,
    );
});

const devnet = program
  .command('devnet')
  .description('a local network: anvil, the market, a provider and IPFS');

devnet
  .command('up')
  .description('start (or reuse) the devnet and fund the demo wallet')
  .option('--port <port>', 'anvil port', positive('--port'))
  .option('--no-provider', 'do not start a provider daemon')
  .option('--json', 'print JSON')
  .action(async (opts) => {
    const summary = await devnetUp({
      home,
      ...(opts.port ? { port: opts.port } : {}),
      provider: opts.provider,
      progress: opts.json ? () => {} : stage,
    });
    const terms = await new MarketClient(devnetConnection(summary)).paymentTerms();
    if (opts.json) process.stdout.write(toJson({ ...summary, paymentTerms: terms }) + '\n');
    else {
      console.log(`devnet ${summary.reused ? 'reused' : 'up'}`);
      console.log(`  RPC        ${summary.rpcUrl}`);
      console.log(`  market     ${summary.marketAddress}`);
      console.log(`  payments   ${terms.symbol}, Superfluid super token ${terms.superToken}`);
      if (summary.provider)
        console.log(`  provider   ${summary.provider} (IPFS ${summary.providerIpfs.join(', ')})`);
      if (summary.requester)
        console.log(
          `  you        ${summary.requester} (funded with ETH and ${terms.symbol}; next: \`npx orange pay authorize\`)`,
        );
      console.log(`  logs       ${summary.logDir}`);
    }
  });

devnet
  .command('down')
  .description('stop everything the devnet started')
  .action(async () => {
    const { stopped } = await devnetDown(home);
    console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'the devnet was not running');
  });

devnet
  .command('status')
  .description('is the devnet running?')
  .option('--json', 'print JSON')
  .action(async (opts) => {
    const status = await devnetStatus(home);
    if (opts.json) process.stdout.write(toJson(status) + '\n');
    else if (!status.state) console.log('devnet: down');
    else
      console.log(
        `devnet: ${status.running ? 'up' : 'degraded'} (anvil ${status.anvil ? 'up' : 'down'}, provider ${status.provider ? 'up' : 'down'}) at ${status.state.rpcUrl}`,
      );
    if (!status.running) process.exitCode = 1;
  });

devnet
  .command('fund')
  .description('give an address (default: your wallet) devnet ETH and payment tokens')
  .argument('[address]', 'address to fund', address)
  .action(async (target: Address | undefined) => {
    const connection = await resolveNetwork('devnet', home);
    const who = target ?? walletFromSecret(await loadSecret()).account.address;
    await fundOnDevnet(connection, who);
    const terms = await new MarketClient(connection).paymentTerms();
    console.log(`funded ${shortAddress(who)} with ETH for gas and ${terms.symbol} for jobs`);
  });

program
  .command('deploy')
  .description('deploy the market contract to any RPC with your wallet (same path as the devnet)')
  .requiredOption('--rpc-url <url>', 'RPC URL of the target chain')
  .requiredOption('--super-token <address>', 'the Superfluid super token jobs are paid in', address)
  .option(
    '--forwarder <address>',
    "Superfluid's CFAv1Forwarder on that chain",
    address,
    CANONICAL_CFA_V1_FORWARDER,
  )
  .option('--json', 'print JSON')
  .action(async (opts) => {
    const { account } = walletFromSecret(await loadSecret());
    let chainId: number;
    try {
      chainId = await createPublicClient({ transport: http(opts.rpcUrl) }).getChainId();
    } catch (error) {
      throw rpcUnreachable(opts.rpcUrl, error);
    }
    const connection = {
      chainId,
      rpcUrl: opts.rpcUrl,
      marketAddress: account.address,
      deployBlock: 0n,
    };
    const reader = new MarketClient(connection).publicClient;
    const walletClient = createWalletClient({
      account,
      chain: marketChain(connection),
      transport: http(opts.rpcUrl),
    });
    const deployed = await deployMarket(walletClient, reader, {
      cfaV1Forwarder: opts.forwarder,
      superToken: opts.superToken,
    });
    if (opts.json) process.stdout.write(toJson({ chainId, ...deployed }) + '\n');
    else
      console.log(
        `market deployed on chain ${chainId} at ${deployed.address} (block ${deployed.deployBlock})`,
      );
  });

const pay = program
  .command('pay')
  .description("streaming payments: your balance and the market's permission to stream for you");

withNetwork(
  pay
    .command('status')
    .description('balance, authorisation and allowance left')
    .option('--json', 'print JSON'),
).action(async (opts) => {
  const session = await openSession(opts);
  try {
    const { terms, availableWei, authorization } = await session.paymentStatus();
    if (opts.json) {
      process.stdout.write(toJson({ ...terms, availableWei, ...authorization }) + '\n');
      return;
    }
    console.log(`token      ${terms.symbol} (super token ${terms.superToken})`);
    console.log(`available  ${formatTokens(availableWei, terms)}`);
    console.log(
      authorization.complete
        ? `market     ${terms.market} may stream for you; allowance left ${formatRate(authorization.flowRateAllowance, terms)}`
        : `market     ${terms.market} is not authorised: run \`npx orange pay authorize\``,
    );
  } finally {
    await session.close();
  }
});

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
).action(async (opts) => {
  const session = await openSession(opts);
  try {
    const terms = await session.market.paymentTerms();
    const allowance = parseAllowance(opts.allowance, terms);
    const dearest = dearestPrice(session.index.activeProviders());
    if (!opts.json) {
      stage(`authorising market ${terms.market} as operator of your ${terms.symbol} flows:`);
      stage('  it may open, raise, lower and close flows from your wallet to providers;');
      stage(
        '  it does so only when a job you posted starts running, and closes it when the job ends;',
      );
      stage(
        `  budget: it may raise your flow rates by at most ${formatRate(allowance, terms)} in total` +
          (dearest > 0n
            ? ` (about ${allowance / dearest} core-starts at the dearest provider's ${formatRate(dearest, terms)} per core)`
            : ''),
      );
      stage('  it cannot transfer your tokens otherwise; `npx orange pay revoke` takes this back.');
    }
    const authorization = await session.authorizePayments(allowance);
    if (opts.json) process.stdout.write(toJson({ market: terms.market, ...authorization }) + '\n');
    else stage(`authorised: allowance ${formatRate(authorization.flowRateAllowance, terms)}`);
  } finally {
    await session.close();
  }
});

withNetwork(
  pay.command('revoke').description("take back the market's permission to stream for you"),
).action(async (opts) => {
  const session = await openSession(opts);
  try {
    await session.revokePayments();
    stage('revoked: no new job of yours can start until you authorise again');
  } finally {
    await session.close();
  }
});

program.parseAsync(process.argv).catch((error: unknown) => {
  const json = process.argv.includes('--json');
  if (error instanceof OrangeError) {
    if (json)
      process.stdout.write(
        toJson({ error: { code: error.code, message: error.message, hint: error.hint ?? null } }) +
          '\n',
      );
    process.stderr.write(`orange: ${error.userMessage}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`orange: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  }
});
