import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { HistoryRead, ProviderView, RequesterSession } from '@orange-cloud/sdk';
import { ProviderTreeProvider } from './provider-tree-provider.js';

/** The part of the VS Code API a tree provider touches. */
const vs = {
  EventEmitter: class {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  },
} as unknown as typeof vscode;

const provider = (address: string, price: bigint): ProviderView => ({
  address: address as `0x${string}`,
  cores: 4,
  memoryMb: 4096,
  pricePerCoreSecond: price,
  runtimes: ['python3'],
  endpoint: 'http://127.0.0.1:1',
  ipfsPeers: [],
  active: true,
});

const session = {
  market: { paymentTerms: async () => ({ symbol: 'OTTx', decimals: 18 }) },
} as unknown as RequesterSession;

function tree(answer: () => Promise<HistoryRead<ProviderView>>, open = true) {
  const view = { description: 'before' as string | undefined };
  const reads: RequesterSession[] = [];
  const providers = new ProviderTreeProvider(
    vs,
    { current: open ? session : undefined },
    (asked) => {
      reads.push(asked);
      return { activeProviders: answer };
    },
  );
  providers.attach(view);
  return { providers, view, reads };
}

describe('ProviderTreeProvider', () => {
  const A = '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const B = '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

  it('lists the providers the history reader answers, cheapest first, saying from where', async () => {
    const { providers, view, reads } = tree(async () => ({
      source: 'subgraph',
      items: [provider(A, 9n), provider(B, 2n)],
    }));
    const rows = await providers.getChildren();
    assert.deepEqual(
      rows.map((row) => row.provider.address),
      [B, A],
    );
    assert.deepEqual(reads, [session], "read through the open session's reader");
    assert.equal(view.description, 'from the subgraph');
    assert.deepEqual(providers.nodes, rows);
  });

  it('says when the subgraph lagged and the chain answered', async () => {
    const { providers, view } = tree(async () => ({
      source: 'chain',
      items: [provider(A, 1n)],
      fallback: { reason: 'lag', lagBlocks: 40n, indexedBlock: 960n, headBlock: 1000n },
    }));
    assert.equal((await providers.getChildren()).length, 1);
    assert.equal(view.description, 'from chain events: subgraph 40 blocks behind');
  });

  it('says nothing of the source when only the chain was asked', async () => {
    const { providers, view } = tree(async () => ({ source: 'chain', items: [] }));
    assert.deepEqual(await providers.getChildren(), []);
    assert.equal(view.description, undefined);
  });

  it('is empty, saying why, when the read fails', async () => {
    const { providers, view } = tree(async () => {
      throw new Error('The RPC did not answer.');
    });
    assert.deepEqual(await providers.getChildren(), []);
    assert.equal(view.description, 'The RPC did not answer');
  });

  it('reads nothing before a session is open', async () => {
    const { providers, view, reads } = tree(async () => ({ source: 'chain', items: [] }), false);
    assert.deepEqual(await providers.getChildren(), []);
    assert.deepEqual(reads, []);
    assert.equal(view.description, undefined);
  });
});
