import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel, publicKeyFromHex, publicKeyToHex } from '../keys/umbral-keys.js';
import { createEmbeddedStore, type EmbeddedStore } from '../store/helia-store.js';
import { saveJobOutputs } from './job-outputs.js';
import { listed, storeSealedArchive, tarOf } from './outputs-for-tests.js';

describe('returned files between two IPFS nodes (real Helia, real Umbral)', function () {
  this.timeout(60_000);
  let provider: EmbeddedStore;
  let requester: EmbeddedStore;
  let root: string;
  const master = walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret;
  const keys = jobKeys(master, newJobKeyLabel());
  // The provider knows the job key only as the manifest's hex public key.
  const manifestKey = () => publicKeyFromHex(publicKeyToHex(keys.publicKey));

  before(async () => {
    provider = await createEmbeddedStore({});
    requester = await createEmbeddedStore({});
    await requester.connect(provider.addresses()[0]!);
  });
  after(async () => {
    await Promise.all([provider?.stop(), requester?.stop()]);
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'orange-outputs-e2e-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('a sealed archive stored by the provider arrives byte-identical, and no block holds it in the clear', async () => {
    const marker = `orange-output-marker-${randomBytes(8).toString('hex')}`;
    const summary = `{"marker":"${marker}"}\n`;
    // Sealed, this is over 2 MiB: it travels as several blocks, each verified on arrival.
    const plot = randomBytes(1536 * 1024);
    const outputs = await storeSealedArchive(
      (b) => provider.put(b),
      manifestKey(),
      await tarOf([
        { name: 'summary.json', content: summary },
        { name: 'plots/plot.png', content: plot },
      ]),
      [listed('summary.json', summary), listed('plots/plot.png', plot)],
    );

    const saved = await saveJobOutputs(requester, {
      jobId: 42n,
      outputs,
      keys: jobKeys(master, keys.label),
      parentDir: join(root, 'orange-out'),
    });
    assert.equal(saved.dir, join(root, 'orange-out', '42'));
    assert.equal(await readFile(join(saved.dir!, 'summary.json'), 'utf8'), summary);
    assert.deepEqual(await readFile(join(saved.dir!, 'plots', 'plot.png')), plot);
    assert.deepEqual(
      saved.files.map((f) => f.sha256),
      outputs.files.map((f) => f.sha256),
    );

    const blocks = { provider: 0, requester: 0 };
    for (const [name, store] of [
      ['provider', provider],
      ['requester', requester],
    ] as const) {
      for await (const block of store.blocks()) {
        blocks[name]++;
        assert.ok(!Buffer.from(block).includes(marker), 'a block holds the output in the clear');
        assert.ok(!Buffer.from(block).includes(plot.subarray(0, 64)), 'a block holds the plot');
      }
    }
    assert.ok(blocks.provider > 2 && blocks.requester > 2, JSON.stringify(blocks));
  });

  it('stops fetching at the sealed size the result states (CONTENT_TOO_LARGE) and saves nothing', async () => {
    const content = randomBytes(300 * 1024);
    const outputs = await storeSealedArchive(
      (b) => provider.put(b),
      manifestKey(),
      await tarOf([{ name: 'big.bin', content }]),
      [listed('big.bin', content)],
    );
    await assert.rejects(
      saveJobOutputs(requester, {
        jobId: 43n,
        outputs: { ...outputs, sealedBytes: outputs.sealedBytes - 1 },
        keys,
        parentDir: join(root, 'orange-out'),
      }),
      { code: 'CONTENT_TOO_LARGE' },
    );
    assert.deepEqual(await readdir(join(root, 'orange-out')), []);
  });
});
