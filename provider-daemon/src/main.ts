import { parseArgs } from 'node:util';
import {
  MarketClient,
  MarketIndex,
  OrangeError,
  createContentStore,
  describeRuntime,
  readKeystore,
  walletFromSecret,
} from '@orange-cloud/sdk';
import { loadConfig } from './config.js';
import { offeredRuntimes } from './runtimes/runtime-probe.js';
import { ProviderNode } from './provider-node.js';
import { createDockerSandbox } from './sandbox/docker-sandbox.js';
import { consoleLogger } from './logger.js';
import { LiveStreams } from './live/live-streams.js';
import { startLiveServer } from './live/live-server.js';
import { openQuoteDesk } from './node/quote-desk.js';
import { Activity } from './observe/activity.js';
import { startAdmin } from './admin/start-admin.js';
import { removeAdminFileSync } from './admin/admin-file.js';
import { statusCommand } from './status-command.js';
import { LOG_FORMATS, type LogFormat } from './logger.js';

const usage = `Usage: orange-provider --config FILE [--cores N] [--memory MB] [--price WEI]
                       [--log-format text|json]
       orange-provider status [--config FILE] [--json]

Runs an Orange Cloud provider: takes jobs from the market and runs them in
locked-down Docker containers. The keystore passphrase is read from the
environment variable named in the config (default ORANGE_PROVIDER_PASSPHRASE).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      cores: { type: 'string' },
      memory: { type: 'string' },
      price: { type: 'string' },
      'log-format': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.config) {
    console.log(usage);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const config = await loadConfig(values.config);
  if (values.cores) config.policy.cores = Number(values.cores);
  if (values.memory) config.policy.memoryMb = Number(values.memory);
  if (values.price) config.policy.pricePerCoreSecond = BigInt(values.price);

  const logFormat = values['log-format'] ?? config.logFormat;
  if (!LOG_FORMATS.includes(logFormat as LogFormat))
    throw new OrangeError(
      'CONFIG_INVALID',
      `--log-format must be one of ${LOG_FORMATS.join(', ')}.`,
    );
  const log = consoleLogger(undefined, logFormat as LogFormat);
  const secret = await readKeystore(config.keystore, process.env[config.passphraseEnv] ?? '');
  const wallet = walletFromSecret(secret);
  const market = new MarketClient(config.network, wallet.account);
  await market.checkReachable();
  const store = await createContentStore(config.ipfs);
  const index = new MarketIndex(market);
  const live = config.live
    ? new LiveStreams(wallet.account, {
        chainId: config.network.chainId,
        market: config.network.marketAddress,
      })
    : undefined;
  // The offered runtimes are probed below; the desk reads the policy at every quote, and it opens
  // paused: the node resumes it once an earlier run's jobs are settled.
  let policy = config.policy;
  const { perClientPerSecond, perClientBurst, ...deskSettings } = config.quotes;
  const desk = await openQuoteDesk({
    stateDir: config.stateDir,
    account: wallet.account,
    policy: { current: () => policy },
    log,
    chainId: config.network.chainId,
    market: config.network.marketAddress,
    ...deskSettings,
  });
  const liveServer =
    live && config.live
      ? await startLiveServer({
          streams: live,
          index,
          chainId: config.network.chainId,
          market: config.network.marketAddress,
          quotes: desk,
          quoteRate: { perSecond: perClientPerSecond, burst: perClientBurst },
          log,
          ...config.live,
        })
      : undefined;
  const sandbox = createDockerSandbox({
    owner: wallet.account.address.toLowerCase(),
    ...(config.dockerSocket ? { socketPath: config.dockerSocket } : {}),
  });
  // What each runtime holds is probed once, from its image, before the offer is registered.
  const runtimes = await offeredRuntimes({ sandbox, log }, config);
  log.info('runtimes', { offered: runtimes.map((r) => describeRuntime(r, [])) });
  policy = { ...config.policy, runtimes: runtimes.map((r) => r.name) };
  const activity = new Activity();
  const node = new ProviderNode({
    market,
    index,
    store,
    sandbox,
    resultSigner: {
      account: wallet.account,
      chainId: config.network.chainId,
      market: config.network.marketAddress,
    },
    desk,
    policy,
    runtimeDescriptors: runtimes,
    images: config.images,
    outputCapBytes: config.outputCapBytes,
    outputsCapBytes: config.outputsCapBytes,
    endpoint: config.endpoint || liveServer?.url || '',
    ...(live ? { live } : {}),
    checkpointMs: config.checkpointMs,
    paymentCheckMs: config.paymentCheckMs,
    maxTimeoutSec: deskSettings.maxTimeoutSec,
    log,
    observer: activity,
  });
  // Up before the node starts: /healthz says "not started" until it is, and status finds it.
  const admin =
    config.admin &&
    (await startAdmin(
      {
        provider: wallet.account.address,
        node,
        desk,
        offered: () => policy,
        index,
        chain: market.publicClient,
        activity,
        log,
      },
      config.admin,
      config.stateDir,
    ));
  const shutdown = async (signal: string) => {
    log.info('shutting down', { signal });
    await node.stop();
    await admin?.close();
    await liveServer?.close();
    await store.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('exit', () => config.admin && removeAdminFileSync(config.stateDir));
  await node.start();
}

(process.argv[2] === 'status' ? statusCommand(process.argv.slice(3)) : main()).catch(
  (error: unknown) => {
    const message =
      error instanceof OrangeError ? error.userMessage : String((error as Error).stack ?? error);
    console.error(`orange-provider: ${message}`);
    process.exit(1);
  },
);
