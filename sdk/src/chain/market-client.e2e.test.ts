import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BaseError,
  TransactionExecutionError,
  createTestClient,
  http,
  parseEther,
  type Address,
} from 'viem';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { freePort, startAnvil, type AnvilProcess } from '../devnet/anvil.js';
import { deployDevnetMarket, fundOnDevnet } from '../devnet/devnet-chain.js';
import { OrangeError } from '../errors.js';
import { authorizeMarket } from '../payments/streaming-market.js';
import { MarketClient, type MarketConnection } from './market-client.js';

/** Transactions of one account go out together: nobody waits for another's receipt. */
describe('MarketClient sending on anvil', function () {
  this.timeout(90_000);
  let anvil: AnvilProcess;
  let connection: MarketConnection;
  let control: ReturnType<typeof createTestClient>;

  before(async () => {
    anvil = await startAnvil({
      port: await freePort(),
      logFile: join(mkdtempSync(join(tmpdir(), 'orange-send-')), 'anvil.log'),
      detached: false,
    });
    const market = await deployDevnetMarket({ chainId: 31337, rpcUrl: anvil.rpcUrl });
    connection = {
      chainId: 31337,
      rpcUrl: anvil.rpcUrl,
      marketAddress: market.marketAddress,
      deployBlock: market.deployBlock,
      pollingIntervalMs: 50,
    };
    control = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });
  });
  after(() => {
    if (anvil) process.kill(anvil.pid);
  });

  async function fundedClient() {
    const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
    await fundOnDevnet(connection, wallet.account.address);
    return new MarketClient(connection, wallet.account);
  }

  /** A registration: any number of them from one account are valid in any order. */
  const register = (client: MarketClient, endpoint: string) =>
    client.registerProvider({
      cores: 1,
      memoryMb: 1024,
      pricePerCoreSecond: 1n,
      runtimes: ['python3'],
      endpoint,
      ipfsPeers: [],
    });

  const nonceOf = async (client: MarketClient, hash: `0x${string}`) =>
    (await client.publicClient.getTransaction({ hash })).nonce;

  it('has market and payment calls of one account in the pool together, mined in nonce order', async () => {
    const client = await fundedClient();
    const address = client.account!.address;
    const first = await client.publicClient.getTransactionCount({ address });
    const terms = await client.paymentTerms();
    await control.setAutomine(false);
    try {
      const sends = [
        register(client, 'http://a'),
        register(client, 'http://b'),
        register(client, 'http://c'),
        register(client, 'http://d'),
      ];
      // A payment call through the same wallet client shares the nonce source.
      const authorized = authorizeMarket(client.walletClient!, client.publicClient, terms, 1000n);
      // Nothing is mined until all five wait in the pool: sends that waited for each other's
      // receipts would never get there (and this test would time out).
      while ((await control.getTxpoolStatus()).pending < 5) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await control.mine({ blocks: 1 });
      const sent = await Promise.all(sends);
      assert.equal((await authorized).complete, true);

      const blocks = new Set(sent.map((s) => s.blockNumber));
      assert.equal(blocks.size, 1, 'all four market calls landed in one block');
      const [block] = [...blocks];
      const mined = await client.publicClient.getBlock({
        blockNumber: block!,
        includeTransactions: true,
      });
      const ours = mined.transactions.filter((t) => t.from.toLowerCase() === address.toLowerCase());
      assert.deepEqual(
        ours.map((t) => t.nonce),
        [0, 1, 2, 3, 4].map((i) => first + i),
        'consecutive nonces, mined in their order',
      );
      const nonces = await Promise.all(sent.map((s) => nonceOf(client, s.hash)));
      assert.equal(new Set(nonces).size, 4, 'each market call had a nonce of its own');
    } finally {
      await control.setAutomine(true);
    }
  });

  it('leaves no nonce gap after a send the node refused: the next one mines', async () => {
    const client = await fundedClient();
    const address: Address = client.account!.address;
    await register(client, 'http://first'); // the nonce source has handed out a nonce before
    const next = await client.publicClient.getTransactionCount({ address });

    // Simulation and estimate pass (they do not charge gas); the node refuses the signed one.
    await control.setBalance({ address, value: 0n });
    await assert.rejects(register(client, 'http://refused'), (error: unknown) => {
      assert.ok(error instanceof OrangeError);
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      // Refused at the send, after a nonce was taken (not at the estimate, which takes none).
      const sendError = (error.cause as BaseError).walk(
        (e) => e instanceof TransactionExecutionError,
      );
      assert.ok(sendError, 'the refusal came from sending the signed transaction');
      return true;
    });
    assert.equal(await client.publicClient.getTransactionCount({ address }), next);

    // With the refused nonce still counted, this one would wait in the pool forever.
    await control.setBalance({ address, value: parseEther('1') });
    const sent = await register(client, 'http://after');
    assert.equal(await nonceOf(client, sent.hash), next);
  });

  it('asks the node again once idle: a chain that forgot the account strands no send', async () => {
    const client = await fundedClient();
    const address: Address = client.account!.address;
    const before = await control.snapshot();
    await register(client, 'http://forgotten');
    await control.revert({ id: before }); // as if the devnet had been restarted
    const sent = await register(client, 'http://again');
    assert.equal(await nonceOf(client, sent.hash), 0);
    assert.equal(await client.publicClient.getTransactionCount({ address }), 1);
  });
});
