import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { bytesToHex } from 'viem';
import {
  jobKeys,
  MAX_SEALED_OUTPUTS_BYTES,
  openAsRequester,
  packProject,
  parseManifest,
  parseSealedOutputs,
  runJob,
} from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { chainBytes } from './testing/plaintext-scan.js';
import { archiveFiles } from './testing/archive-files.js';

const MAIN_SECRET = 'papaya-3131-main-only';
const HELPER_SECRET = 'quince-5757-helper-only';
const DATA_SECRET = 'lychee-9090-data-only';
const OUTPUT_SECRET = 'tamarind-2424-output-only';

/**
 * A project as a user has it: main.py imports a sibling module and reads a data file with
 * bytes that are not UTF-8. Each file holds a marker that must never appear in the clear
 * outside the requester and the provider's container.
 */
const project: Record<string, string | Uint8Array> = {
  'requirements.txt': '',
  'main.py': [
    `SECRET = "${MAIN_SECRET}"`,
    'import helper',
    'raw = open("data/points.csv", "rb").read()',
    'rows = [line.split(b",") for line in raw.splitlines()[1:4]]',
    'print(helper.describe(rows), sum(raw[-4:]))',
    '',
  ].join('\n'),
  'helper.py': [
    `SECRET = "${HELPER_SECRET}"`,
    'def describe(rows):',
    '    xs = [float(r[0]) for r in rows]',
    '    return f"{len(rows)} points, mean x {sum(xs) / len(xs):.2f}"',
    '',
  ].join('\n'),
  'data/points.csv': Buffer.concat([
    Buffer.from(`x,y\n1,2\n2,4\n6,${DATA_SECRET}\n`),
    Buffer.from([0xff, 0x00, 0x80, 0x7f]),
  ]),
  '.venv/pyvenv.cfg': 'home = /usr/bin\n',
  '__pycache__/helper.cpython-311.pyc': 'stale',
};

describe('end to end: a project runs on a provider as it does locally', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let requester: TestRequester;
  let folder: string;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider();
    requester = await net.addRequester();
    folder = await mkdtemp(join(tmpdir(), 'orange-e2e-project-'));
    for (const [path, content] of Object.entries(project)) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), content);
    }
  });

  after(async () => {
    await net?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('imports the sibling module, reads the binary data file, and leaks no file in the clear', async () => {
    const payload = await packProject({ entryFile: join(folder, 'main.py'), ceiling: folder });
    assert.equal(payload.summary.files, 4, 'the virtualenv and the cache stay behind');
    const outcome = await runJob(requester, {
      fileName: 'main.py',
      source: Buffer.from(project['main.py']!),
      payload,
      cores: 1,
      memoryMb: 256,
      timeoutSec: 20,
    });
    assert.equal(outcome.stderr, '');
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.stdout, `3 points, mean x 3.00 ${0xff + 0x00 + 0x80 + 0x7f}\n`);

    const markers = [MAIN_SECRET, HELPER_SECRET, DATA_SECRET];
    let blocks = 0;
    for (const store of [requester.store, provider.store]) {
      for await (const block of store.blocks()) {
        blocks++;
        const text = Buffer.from(block).toString('latin1');
        for (const marker of markers)
          assert.ok(!text.includes(marker), `plaintext "${marker}" found in an IPFS block`);
      }
    }
    assert.ok(blocks >= 3);
    const hexMarkers = markers.map((m) => bytesToHex(Buffer.from(m)).slice(2));
    for await (const data of chainBytes(net, requester))
      for (const hex of hexMarkers) assert.ok(!data.includes(hex), 'plaintext found in chain data');
  });

  it("returns the job's out/summary.json sealed with the result, and leaks it in no IPFS block", async () => {
    const main = [
      'import json, os',
      `json.dump({"secret": "${OUTPUT_SECRET}", "mean": 4.5}, open("out/summary.json", "w"))`,
      'print("wrote", os.environ["ORANGE_OUTPUT_DIR"])',
      '',
    ].join('\n');
    const projectDir = join(folder, 'writes-outputs');
    await mkdir(projectDir, { recursive: true });
    await writeFile(join(projectDir, 'main.py'), main);
    const payload = await packProject({
      entryFile: join(projectDir, 'main.py'),
      ceiling: projectDir,
    });
    const outcome = await runJob(requester, {
      fileName: 'main.py',
      source: Buffer.from(main),
      payload,
      cores: 1,
      memoryMb: 256,
      timeoutSec: 20,
    });
    assert.equal(outcome.status, 'completed', outcome.stderr);
    assert.equal(outcome.stdout, 'wrote /tmp/job/out\n');

    const expected = Buffer.from(`{"secret": "${OUTPUT_SECRET}", "mean": 4.5}`);
    const outputs = outcome.result?.outputs;
    assert.ok(outputs?.cid, 'the result names the sealed outputs archive');
    assert.deepEqual(outputs.files, [
      {
        path: 'summary.json',
        bytes: expected.length,
        sha256: createHash('sha256').update(expected).digest('hex'),
      },
    ]);
    assert.deepEqual([outputs.skipped, outputs.truncated, outputs.partial], [[], false, false]);

    // open it as a requester does: the job's keys from the manifest's label, then the archive
    const manifest = parseManifest(
      await requester.store.get(outcome.manifestCid, { maxBytes: 1 << 20, timeoutMs: 30_000 }),
    );
    const keys = jobKeys(requester.wallet.umbralMasterSecret, manifest.keys.label);
    const sealed = await requester.store.get(outputs.cid, {
      maxBytes: MAX_SEALED_OUTPUTS_BYTES,
      timeoutMs: 30_000,
    });
    assert.equal(sealed.length, outputs.sealedBytes);
    const archive = openAsRequester(keys, parseSealedOutputs(sealed));
    assert.deepEqual(await archiveFiles(archive), new Map([['summary.json', expected]]));

    for (const store of [requester.store, provider.store]) {
      for await (const block of store.blocks()) {
        const text = Buffer.from(block).toString('latin1');
        assert.ok(!text.includes(OUTPUT_SECRET), 'an output found in the clear in an IPFS block');
      }
    }
  });
});
