// The Kubo side runs against kubo-rpc-stand-in.ts (no Kubo binary can be had on the build
// machine): a loopback stand-in for Kubo's RPC, importing with ipfs-unixfs-importer as Kubo's
// `ipfs add` does. The embedded store is the real Helia node.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createEmbeddedStore, type EmbeddedStore } from './helia-store.js';
import { createKuboStore } from './kubo-store.js';
import { startKuboRpcStandIn, type KuboRpcStandIn } from './kubo-rpc-stand-in.js';
import { IMPORT_PROFILE, localCid } from './local-cid.js';

describe('CIDs computed locally', () => {
  let helia: EmbeddedStore;
  let kubo: KuboRpcStandIn;
  before(async () => {
    helia = await createEmbeddedStore();
    kubo = await startKuboRpcStandIn();
  });
  after(async () => {
    await helia?.stop();
    await kubo?.stop();
  });

  const chunk = IMPORT_PROFILE.chunkSize;
  for (const [what, size] of [
    ['empty content', 0],
    ['a short script', 27],
    ['exactly one chunk', chunk],
    ['one byte over a chunk', chunk + 1],
    ['about 3 MiB (12 chunks)', 3 * 1024 * 1024 + 7],
  ] as const) {
    it(`gives ${what} the CID both stores give it`, async () => {
      const bytes = new Uint8Array(randomBytes(size));
      const computed = await localCid(bytes);
      assert.equal(await helia.put(bytes), computed, 'the embedded Helia store agrees');
      assert.equal(await createKuboStore({ url: kubo.url }).put(bytes), computed, 'Kubo agrees');
    });
  }
});
