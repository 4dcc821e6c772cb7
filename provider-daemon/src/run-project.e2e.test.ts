import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bytesToHex } from 'viem';
import { packProject, runJob } from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { chainBytes } from './testing/plaintext-scan.js';

const MAIN_SECRET = 'papaya-3131-main-only';
const HELPER_SECRET = 'quince-5757-helper-only';
const DATA_SECRET = 'lychee-9090-data-only';

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
      matchTimeoutMs: 30_000,
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
});
