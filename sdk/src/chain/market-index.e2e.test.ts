import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestClient, http, type Address } from 'viem';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { freePort, startAnvil, type AnvilProcess } from '../devnet/anvil.js';
import { deployDevnetMarket, fundOnDevnet } from '../devnet/devnet-chain.js';
import { MarketClient, type MarketConnection } from './market-client.js';
import { MarketIndex } from './market-index.js';

/** The event index keeps up with the chain even when its block subscription does not. */
describe('MarketIndex on anvil', function () {
  this.timeout(60_000);
  let anvil: AnvilProcess;
  let connection: MarketConnection;

  before(async () => {
    anvil = await startAnvil({
      port: await freePort(),
      logFile: join(mkdtempSync(join(tmpdir(), 'orange-index-')), 'anvil.log'),
      detached: false,
    });
    const market = await deployDevnetMarket({ chainId: 31337, rpcUrl: anvil.rpcUrl });
    connection = {
      chainId: 31337,
      rpcUrl: anvil.rpcUrl,
      wsUrl: anvil.wsUrl,
      marketAddress: market.marketAddress,
      deployBlock: market.deployBlock,
      pollingIntervalMs: 50,
    };
  });
  after(() => {
    if (anvil) process.kill(anvil.pid);
  });

  /** Registers a new provider: one market event, in one new block. */
  async function registerSomeone(cores: number) {
    const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
    await fundOnDevnet(connection, wallet.account.address, { tokens: 0n });
    await register(new MarketClient(connection, wallet.account), cores);
    return wallet.account.address;
  }

  const register = (client: MarketClient, cores: number) =>
    client.registerProvider({
      cores,
      memoryMb: 1024,
      pricePerCoreSecond: 1n,
      runtimes: ['python3'],
      endpoint: '',
      ipfsPeers: [],
    });

  /**
   * Resolves once the index has applied the provider's registration: announced by onEvent, or
   * already applied when called. Never seeing it fails the test by its timeout.
   */
  const sees = (index: MarketIndex, address: Address) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!index.providers.has(address)) return;
        unsubscribe();
        resolve();
      };
      const unsubscribe = index.onEvent(check);
      check();
    });

  it('undoes the events of blocks a reorg replaced, and shows the replacement', async () => {
    const market = new MarketClient(connection);
    const index = new MarketIndex(market);
    const anvilControl = createTestClient({ mode: 'anvil', transport: http(connection.rpcUrl) });
    const fork = await anvilControl.snapshot();
    const gone = await registerSomeone(2);
    await index.sync();
    assert.ok(index.providers.has(gone), 'the index saw the first registration');
    const readUpTo = index.syncedBlock;
    const heard: string[] = [];
    index.onEvent((event) =>
      heard.push(`${event.eventName} ${'provider' in event.args ? event.args.provider : ''}`),
    );

    // Back to before the registration, then other blocks of the same numbers: a reorg.
    await anvilControl.revert({ id: fork });
    const replacement = await registerSomeone(7);
    // The index judges a block once the new chain reaches it again.
    const head = await market.publicClient.getBlockNumber({ cacheTime: 0 });
    if (head < readUpTo) await anvilControl.mine({ blocks: Number(readUpTo - head) });
    await index.sync();

    assert.equal(index.providers.has(gone), false, 'the replaced registration is undone');
    assert.equal(index.providers.get(replacement)?.cores, 7);
    assert.deepEqual(heard, [`ProviderRegistered ${replacement}`]);
  });

  it('keeps the views it handed out current', async () => {
    const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
    await fundOnDevnet(connection, wallet.account.address, { tokens: 0n });
    const client = new MarketClient(connection, wallet.account);
    const index = new MarketIndex(new MarketClient(connection));
    await register(client, 3);
    await index.sync();
    const held = index.providers.get(wallet.account.address)!;
    await register(client, 9);
    await index.sync();
    assert.equal(held.cores, 9);
    assert.equal(index.state.providers.get(wallet.account.address)?.cores, 9);
  });

  it('catches up by its heartbeat when no block notification ever comes', async () => {
    // A WebSocket URL nobody listens on: the subscription never delivers a block.
    const deaf = { ...connection, wsUrl: `ws://127.0.0.1:${await freePort()}` };
    const index = new MarketIndex(new MarketClient(deaf), { heartbeatMs: 200 });
    const errors: string[] = [];
    await index.start((error) => errors.push(error.message));
    try {
      const someone = await registerSomeone(3);
      // Only the heartbeat can read the new block here.
      await sees(index, someone);
    } finally {
      await index.stop();
    }
  });

  it('keeps waking the other indexes on a node when one of them stops', async () => {
    // No heartbeat here: only the shared subscription can tell them of new blocks.
    const quiet = { heartbeatMs: 1_000_000 };
    const leaving = new MarketIndex(new MarketClient(connection), quiet);
    const staying = new MarketIndex(new MarketClient(connection), quiet);
    await leaving.start();
    await staying.start();
    try {
      await leaving.stop();
      const someone = await registerSomeone(5);
      // Only the shared subscription, still woken after the other index stopped, can read it.
      await sees(staying, someone);
    } finally {
      await staying.stop();
    }
  });
});
