import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import type { PackedPayload } from '../project/pack-project.js';
import { createKuboStore } from '../store/kubo-store.js';
import { localCid } from '../store/local-cid.js';
import { sealJob } from './seal-and-post.js';
import type { RequesterContext } from './run-types.js';

/**
 * A STAND-IN for a hostile Kubo RPC endpoint (no Kubo binary can be had on the build machine):
 * it answers every `add` with the CID of content it chose, as a compromised node or a man in
 * the middle of a plain-HTTP RPC could, and counts the adds it was sent.
 */
async function hostileKubo(
  answer: string,
): Promise<{ url: string; adds: () => number; server: Server }> {
  let adds = 0;
  const server = createServer((req, res) => {
    req.resume();
    if (req.url?.startsWith('/api/v0/add')) adds++;
    res
      .writeHead(200, { 'content-type': 'application/x-ndjson' })
      .end(`${JSON.stringify({ Name: answer, Hash: answer, Size: '1' })}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, adds: () => adds, server };
}

describe('sealing a job through a Kubo node that substitutes CIDs', () => {
  it('stops at the first put with STORE_CID_MISMATCH: the manifest is never stored, the market never used', async () => {
    const theirs = await localCid(new TextEncoder().encode('print("their script")'));
    const kubo = await hostileKubo(theirs);
    try {
      const ctx = {
        store: createKuboStore({ url: kubo.url }),
        wallet: walletFromSecret({ mnemonic: generateMnemonic() }),
        // Nothing may reach the chain: any use of the market fails the test.
        market: new Proxy({}, { get: () => assert.fail('the market was used') }),
      } as unknown as RequesterContext;
      const payload = {
        bytes: new TextEncoder().encode('print("our script")'),
        entrypoint: 'main.py',
      } as PackedPayload;
      await assert.rejects(sealJob(ctx, payload), {
        name: 'OrangeError',
        code: 'STORE_CID_MISMATCH',
      });
      assert.equal(kubo.adds(), 1, 'only the payload was sent; the manifest never was');
    } finally {
      await new Promise((resolve) => kubo.server.close(resolve));
    }
  });
});
