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
import { ProviderStore } from './state/provider-store.js';

const usage = `Usage: orange-provider --config FILE [--cores N] [--memory MB] [--price WEI]

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

  const log = consoleLogger();
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
  const state = ProviderStore.open(config.stateDir);
  const desk = await openQuoteDesk({
    stateDir: config.stateDir,
    quotes: state,
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
    state,
  });
  // The first signal lets running jobs finish within the grace; a second one cuts it short.
  let cutGrace: (() => void) | undefined;
  const cut = new Promise<void>((resolve) => (cutGrace = resolve));
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      log.warn('second signal: failing the running jobs now', { signal });
      cutGrace?.();
      return;
    }
    shuttingDown = true;
    log.info('shutting down', { signal, graceSec: config.shutdownGraceSec });
    void node
      .shutdown(config.shutdownGraceSec * 1000, cut)
      .then(() => liveServer?.close())
      .then(() => store.stop())
      .finally(() => {
        state.close();
        process.exit(0);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await node.start();
}

main().catch((error: unknown) => {
  const message =
    error instanceof OrangeError ? error.userMessage : String((error as Error).stack ?? error);
  console.error(`orange-provider: ${message}`);
  process.exit(1);
});
