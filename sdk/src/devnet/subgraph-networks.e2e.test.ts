import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startAnvil, type AnvilProcess } from './anvil.js';
import { deployDevnetMarket } from './devnet-chain.js';

const subgraphFile = (name: string) =>
  readFile(new URL(`../../../subgraph/${name}`, import.meta.url), 'utf8');

interface NetworkEntry {
  OrangeStreamingMarket: { address: string; startBlock: number };
}

/**
 * subgraph/networks.json's devnet entry is not written by hand: a fresh devnet (what
 * `orange devnet up` starts) deploys the market at the same address and block every time, and
 * this checks that networks.json and subgraph.yaml hold exactly those.
 */
describe("the subgraph's devnet network entry", function () {
  this.timeout(120_000);
  let anvil: AnvilProcess | undefined;
  after(() => {
    if (anvil) process.kill(anvil.pid);
  });

  it('is where a fresh devnet deploys the market', async () => {
    anvil = await startAnvil({
      port: await freePort(),
      logFile: join(mkdtempSync(join(tmpdir(), 'orange-subgraph-net-')), 'anvil.log'),
      detached: false,
    });
    const deployed = await deployDevnetMarket({ chainId: 31337, rpcUrl: anvil.rpcUrl });
    const networks = JSON.parse(await subgraphFile('networks.json')) as Record<
      string,
      NetworkEntry
    >;
    const devnet = networks.devnet!.OrangeStreamingMarket;
    assert.equal(devnet.address, deployed.marketAddress);
    assert.equal(BigInt(devnet.startBlock), deployed.deployBlock);
    // subgraph.yaml as committed is the devnet's build (`graph build` without --network).
    const manifest = await subgraphFile('subgraph.yaml');
    assert.match(manifest, /network: devnet\n/);
    assert.ok(manifest.includes(`address: '${deployed.marketAddress}'`), 'subgraph.yaml address');
    assert.ok(manifest.includes(`startBlock: ${deployed.deployBlock}\n`), 'subgraph.yaml block');
  });
});
