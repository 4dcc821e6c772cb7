import { parseArgs } from 'node:util';
import {
  MarketClient,
  OrangeError,
  MarketIndex,
  createContentStore,
  describeRuntime,
  walletFromSecret,
} from '@orange-cloud/sdk';
import { resolveConfig } from '../config/resolve-config.js';
import { thisMachine } from '../config/machine.js';
import { unlockProviderKeystore } from '../config/provider-keystore.js';
import { offeredRuntimes } from '../runtimes/runtime-probe.js';
import { ProviderNode } from '../provider-node.js';
import { createDockerSandbox } from '../sandbox/docker-sandbox.js';
import { LOG_FORMATS, consoleLogger, type LogFormat } from '../logger.js';
import { Activity } from '../observe/activity.js';
import { startAdmin } from '../admin/start-admin.js';
import { removeAdminFileSync } from '../admin/admin-file.js';
import { LiveStreams } from '../live/live-streams.js';
import { startLiveServer } from '../live/live-server.js';
import { openQuoteDesk } from '../node/quote-desk.js';
import { HandOverIntake } from '../node/hand-overs.js';
import { storeWithHandOvers } from '../node/hand-over-store.js';
import { ProviderStore } from '../state/provider-store.js';
import { storedServedJobs } from '../state/stored-served-jobs.js';

export const runUsage = `Usage: orange-provider [run] [--config FILE] [--cores N] [--memory MB] [--price WEI]
                        [--rpc-url URL]... [--log-format text|json]

Runs an Orange Cloud provider: takes jobs from the market and runs them in
locked-down Docker containers. The config is --config, else $ORANGE_PROVIDER_CONFIG,
else the one \`orange-provider init\` writes. Flags override the environment
(ORANGE_PROVIDER_CORES, _MEMORY_MB, _PRICE, _RPC_URLS comma-separated), which
overrides the file. The keystore passphrase is read from the environment variable
named in the config (default ORANGE_PROVIDER_PASSPHRASE).`;

/** `orange-provider run`: checks everything it can, then registers and takes jobs until stopped. */
export async function runCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      cores: { type: 'string' },
      memory: { type: 'string' },
      price: { type: 'string' },
      'rpc-url': { type: 'string', multiple: true },
      'log-format': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(runUsage);
    return;
  }
  const { config } = await resolveConfig({
    flags: values,
    env: process.env,
    machine: thisMachine(),
  });

  const logFormat = values['log-format'] ?? config.logFormat;
  if (!LOG_FORMATS.includes(logFormat as LogFormat))
    throw new OrangeError(
      'CONFIG_INVALID',
      `--log-format must be one of ${LOG_FORMATS.join(', ')}.`,
    );
  const log = consoleLogger(undefined, logFormat as LogFormat);
  const wallet = walletFromSecret(await unlockProviderKeystore(config, process.env));
  const sandbox = createDockerSandbox({
    owner: wallet.account.address.toLowerCase(),
    ...(config.dockerSocket ? { socketPath: config.dockerSocket } : {}),
    ociRuntime: config.sandbox.runtime,
  });
  // Docker, the OCI runtime and the image are checked before anything touches the chain.
  await sandbox.check();
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
  // Requesters hand each hired job's content to the endpoint, so they need not stay online.
  const handOvers = new HandOverIntake({ index, store, provider: wallet.account.address });
  const liveServer =
    live && config.live
      ? await startLiveServer({
          streams: live,
          index,
          chainId: config.network.chainId,
          market: config.network.marketAddress,
          quotes: desk,
          quoteRate: { perSecond: perClientPerSecond, burst: perClientBurst },
          handOvers,
          log,
          ...config.live,
        })
      : undefined;
  // What each runtime holds is probed once, from its image, before the offer is registered.
  const runtimes = await offeredRuntimes({ sandbox, log }, config);
  log.info('runtimes', { offered: runtimes.map((r) => describeRuntime(r, [])) });
  policy = { ...config.policy, runtimes: runtimes.map((r) => r.name) };
  // /status's served jobs and counts are read from the database: they survive a restart.
  const activity = new Activity(storedServedJobs(state));
  const node = new ProviderNode({
    market,
    index,
    store: storeWithHandOvers(store, handOvers),
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
    state,
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
      .then(() => admin?.close())
      .then(() => liveServer?.close())
      .then(() => store.stop())
      .finally(() => {
        state.close();
        process.exit(0);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.once('exit', () => config.admin && removeAdminFileSync(config.stateDir));
  await node.start();
}
