import assert from 'node:assert/strict';
import {
  MarketClient,
  MarketIndex,
  OrangeError,
  createContentStore,
  generateMnemonic,
  walletFromSecret,
} from '@orange-cloud/sdk';
import { ProviderNode } from './provider-node.js';
import { createDockerSandbox } from './sandbox/docker-sandbox.js';
import { DEFAULT_IMAGES } from './config.js';
import { silentLogger } from './logger.js';
import { FakeDesk, FakeEvents } from './node/test-fakes.js';

describe('provider node without Docker', () => {
  it('refuses to start, says why, and registers nothing', async () => {
    const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
    // No RPC listens here: the node must stop at the Docker check, before any chain call.
    const market = new MarketClient(
      {
        chainId: 31337,
        rpcUrl: 'http://127.0.0.1:9',
        marketAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
        deployBlock: 0n,
      },
      wallet.account,
    );
    const store = await createContentStore({ mode: 'embedded' });
    try {
      const policy = {
        cores: 1,
        memoryMb: 512,
        pricePerCoreSecond: 1n,
        runtimes: ['python3'],
        allowRequesters: [],
        denyRequesters: [],
      };
      const node = new ProviderNode({
        market,
        index: new MarketIndex(market),
        store,
        sandbox: createDockerSandbox({ socketPath: '/nonexistent/docker.sock' }),
        resultSigner: { account: wallet.account, chainId: 31337, market: market.address },
        desk: new FakeDesk(new FakeEvents()),
        policy,
        images: DEFAULT_IMAGES,
        outputCapBytes: 1024,
        endpoint: '',
        log: silentLogger,
      });
      await assert.rejects(node.start(), (error: unknown) => {
        assert.ok(error instanceof OrangeError);
        assert.equal(error.code, 'DOCKER_UNAVAILABLE');
        assert.match(error.userMessage, /Start Docker/);
        return true;
      });
    } finally {
      await store.stop();
    }
  });
});
