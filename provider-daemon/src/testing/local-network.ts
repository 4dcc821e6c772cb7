import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from 'viem';
import {
  MarketClient,
  MarketIndex,
  createEmbeddedStore,
  DEFAULT_MARKET_PARAMETERS,
  DEFAULT_ALLOWANCE,
  authorizeMarket,
  parseAllowance,
  type MarketParameters,
  generateMnemonic,
  walletFromSecret,
  type EmbeddedStore,
  type MarketConnection,
  type RequesterContext,
  type ResultSigner,
  type RuntimeDescriptor,
  type Wallet,
} from '@orange-cloud/sdk';
import { deployDevnetMarket, freePort, fundOnDevnet, startAnvil } from '@orange-cloud/sdk/devnet';
import { ProviderNode } from '../provider-node.js';
import type { MarketEvents } from '../node/components.js';
import { LiveStreams } from '../live/live-streams.js';
import { startLiveServer, type LiveServer } from '../live/live-server.js';
import { createDockerSandbox } from '../sandbox/docker-sandbox.js';
import type { Sandbox } from '../sandbox/types.js';
import { offeredRuntimes } from '../runtimes/runtime-probe.js';
import type { ProviderPolicy } from '../criteria.js';
import { DEFAULT_IMAGES } from '../config.js';
import { openQuoteDesk } from '../node/quote-desk.js';
import { HandOverIntake } from '../node/hand-overs.js';
import { storeWithHandOvers } from '../node/hand-over-store.js';
import { consoleLogger, silentLogger, type Logger } from '../logger.js';
import { Activity } from '../observe/activity.js';
import { startAdmin } from '../admin/start-admin.js';
import type { AdminServer } from '../admin/admin-server.js';

export interface TestProvider {
  node: ProviderNode;
  wallet: Wallet;
  store: EmbeddedStore;
  liveServer: LiveServer;
  /** The daemon's state directory: its per-offer job keys are under `job-keys/`. */
  stateDir: string;
  /** The admin endpoint (with `admin: true`); its admin.json is in `stateDir`. */
  admin: AdminServer | undefined;
}

export interface TestRequester extends RequesterContext {
  store: EmbeddedStore;
  close(): Promise<void>;
}

/** Each runtime's probe, once per test process: the images do not change under a test run. */
const probes = new Map<string, Promise<RuntimeDescriptor[]>>();
function probedOnce(
  sandbox: Sandbox = createDockerSandbox({ owner: `runtime-probe-${process.pid}` }),
  runtimes: string[],
): Promise<RuntimeDescriptor[]> {
  const key = runtimes.join(',');
  if (!probes.has(key)) {
    probes.set(
      key,
      offeredRuntimes({ sandbox, log: silentLogger }, { images: DEFAULT_IMAGES, runtimes }),
    );
  }
  return probes.get(key)!;
}

/** What a provider on this machine advertises for these runtimes (probed from the real images). */
export const probedRuntimes = (runtimes: string[]): Promise<RuntimeDescriptor[]> =>
  probedOnce(undefined, runtimes);

/**
 * A whole network on this machine for end-to-end tests and the benchmark:
 * a fresh anvil, the market, real provider nodes (real Docker, their own
 * Helia nodes) and requesters with their own Helia nodes.
 */
export class LocalNetwork {
  readonly connection: MarketConnection;
  private readonly anvilPid: number;
  private readonly dir: string;
  private readonly providers: TestProvider[] = [];
  private readonly requesters: TestRequester[] = [];

  private constructor(connection: MarketConnection, anvilPid: number, dir: string) {
    this.connection = connection;
    this.anvilPid = anvilPid;
    this.dir = dir;
  }

  static async start(
    parameters: MarketParameters = DEFAULT_MARKET_PARAMETERS,
  ): Promise<LocalNetwork> {
    const dir = await mkdtemp(join(tmpdir(), 'orange-net-'));
    const anvil = await startAnvil({
      port: await freePort(),
      logFile: join(dir, 'anvil.log'),
      detached: false,
    });
    const deployed = await deployDevnetMarket({ chainId: 31337, rpcUrl: anvil.rpcUrl }, parameters);
    return new LocalNetwork(
      {
        chainId: 31337,
        rpcUrl: anvil.rpcUrl,
        wsUrl: anvil.wsUrl,
        marketAddress: deployed.marketAddress,
        deployBlock: deployed.deployBlock,
        pollingIntervalMs: 100,
      },
      anvil.pid,
      dir,
    );
  }

  /** A new wallet with ether for gas and 1000 payment tokens. */
  async fundedWallet(): Promise<Wallet> {
    const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
    await fundOnDevnet(this.connection, wallet.account.address);
    return wallet;
  }

  async addProvider(
    policy: Partial<ProviderPolicy> = {},
    options: {
      outputCapBytes?: number;
      outputsCapBytes?: number;
      log?: Logger;
      live?: boolean;
      fetchTimeoutMs?: number;
      paymentCheckMs?: number;
      /** A dishonest provider: its results signed with another key, or bound to another chain. */
      resultSigner?: Partial<ResultSigner>;
      /** A dishonest provider: the result CID it records for a job, given the honest one. */
      recordResult?: (jobId: bigint, resultCid: string) => string;
      /**
       * Answers quotes but never hears of its hires: a provider that went away after quoting,
       * whose jobs nobody starts.
       */
      ignoresHires?: boolean;
      /** An endpoint that predates the hand-over: requesters must wait for the start. */
      takesHandOvers?: boolean;
      /** Serves the admin endpoint (/healthz, /metrics, /status, pause) on loopback, as main.ts. */
      admin?: boolean;
    } = {},
  ): Promise<TestProvider> {
    const wallet = await this.fundedWallet();
    const market = new MarketClient(this.connection, wallet.account);
    const { recordResult } = options;
    if (recordResult) {
      const complete = market.completeJob.bind(market);
      market.completeJob = (jobId, resultCid, exitCode, flags) =>
        complete(jobId, recordResult(jobId, resultCid), exitCode, flags);
    }
    const store = await createEmbeddedStore();
    const index = new MarketIndex(market);
    const live = new LiveStreams(wallet.account, {
      chainId: this.connection.chainId,
      market: this.connection.marketAddress,
    });
    const runtimes = policy.runtimes ?? ['python3'];
    const fullPolicy: ProviderPolicy = {
      cores: 2,
      memoryMb: 1024,
      pricePerCoreSecond: 1_000_000_000n,
      allowRequesters: [],
      denyRequesters: [],
      ...policy,
      runtimes,
    };
    const log = options.log ?? (process.env.ORANGE_TEST_LOG ? consoleLogger() : silentLogger);
    const stateDir = await mkdtemp(join(this.dir, 'provider-'));
    const desk = await openQuoteDesk({
      stateDir,
      account: wallet.account,
      policy: { current: () => fullPolicy },
      log,
      chainId: this.connection.chainId,
      market: this.connection.marketAddress,
      maxTimeoutSec: 86_400,
    });
    const handOvers = new HandOverIntake({ index, store, provider: wallet.account.address });
    const liveServer = await startLiveServer({
      streams: live,
      index,
      chainId: this.connection.chainId,
      market: this.connection.marketAddress,
      host: '127.0.0.1',
      port: 0,
      quotes: desk,
      ...(options.takesHandOvers === false ? {} : { handOvers }),
      log,
    });
    const sandbox = createDockerSandbox({ owner: wallet.account.address.toLowerCase() });
    const activity = new Activity();
    const node = new ProviderNode({
      market,
      index: options.ignoresHires ? deafToHires(index) : index,
      live,
      store: storeWithHandOvers(store, handOvers),
      sandbox,
      resultSigner: {
        account: wallet.account,
        chainId: this.connection.chainId,
        market: this.connection.marketAddress,
        ...options.resultSigner,
      },
      desk,
      policy: fullPolicy,
      runtimeDescriptors: await probedOnce(sandbox, runtimes),
      images: DEFAULT_IMAGES,
      outputCapBytes: options.outputCapBytes ?? 64 * 1024,
      ...(options.outputsCapBytes ? { outputsCapBytes: options.outputsCapBytes } : {}),
      ...(options.fetchTimeoutMs ? { fetchTimeoutMs: options.fetchTimeoutMs } : {}),
      paymentCheckMs: options.paymentCheckMs ?? 500,
      endpoint: options.live === false ? '' : liveServer.url,
      log,
      observer: activity,
    });
    const admin = options.admin
      ? await startAdmin(
          {
            provider: wallet.account.address,
            node,
            desk,
            offered: () => fullPolicy,
            index,
            chain: market.publicClient,
            activity,
            log,
          },
          { host: '127.0.0.1', port: 0 },
          stateDir,
        )
      : undefined;
    await node.start();
    const provider = { node, wallet, store, liveServer, stateDir, admin };
    this.providers.push(provider);
    return provider;
  }

  /**
   * A requester with its own Helia node, following the market. Unless told otherwise it has
   * authorized the market to stream its payments (0.01 tokens/s of allowance).
   */
  async addRequester(
    wallet?: Wallet,
    options: { authorizePayments?: boolean } = {},
  ): Promise<TestRequester> {
    const w = wallet ?? (await this.fundedWallet());
    const market = new MarketClient(this.connection, w.account);
    if (options.authorizePayments ?? true) {
      const terms = await market.paymentTerms();
      await authorizeMarket(
        market.walletClient!,
        market.publicClient,
        terms,
        parseAllowance(DEFAULT_ALLOWANCE, terms),
      );
    }
    const index = new MarketIndex(market);
    await index.start();
    const store = await createEmbeddedStore();
    const requester = {
      market,
      index,
      store,
      wallet: w,
      close: async () => {
        await index.stop();
        await store.stop();
      },
    };
    this.requesters.push(requester);
    return requester;
  }

  providerAddresses(): Address[] {
    return this.providers.map((p) => p.wallet.account.address);
  }

  async stop(): Promise<void> {
    for (const r of this.requesters) await r.close().catch(() => undefined);
    for (const p of this.providers) {
      await p.node.stop().catch(() => undefined);
      await p.admin?.close().catch(() => undefined);
      await p.liveServer.close().catch(() => undefined);
      await p.store.stop().catch(() => undefined);
    }
    try {
      process.kill(this.anvilPid, 'SIGTERM');
    } catch {
      // already gone
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The index as a node that never hears of its hires sees it. */
function deafToHires(index: MarketIndex): MarketEvents {
  return {
    jobs: index.jobs,
    providers: index.providers,
    get syncedBlock() {
      return index.syncedBlock;
    },
    start: (onError) => index.start(onError),
    stop: () => index.stop(),
    sync: () => index.sync(),
    onEvent: (listener) =>
      index.onEvent((event) => {
        if (event.eventName !== 'JobHired') listener(event);
      }),
  };
}
