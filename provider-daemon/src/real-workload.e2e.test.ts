import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { bytesToHex } from 'viem';
import { PYTHON3_TARGET, packProject, runJob, systemPip } from '@orange-cloud/sdk';
import { writeTestWheel } from '@orange-cloud/sdk/testing';
import { DEFAULT_IMAGES } from './config.js';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { chainBytes } from './testing/plaintext-scan.js';

const MAIN_SECRET = 'mangosteen-6161-main-only';
const HELPER_SECRET = 'rambutan-7272-helper-only';
const DATA_SECRET = 'durian-8383-data-only';
const SUMMARY_SECRET = 'salak-9494-summary-only';
const PNG_SIGNATURE = '\x89PNG\r\n\x1a\n';

/**
 * The whole workload in one project: a sibling module, a data file, a dependency
 * declared in PEP 723 metadata (a wheel this test builds: no package index), numpy, and
 * matplotlib writing out/summary.json and out/plot.png. Nothing names a runtime: importing
 * numpy sends it to python-data.
 */
const project: Record<string, string> = {
  'pyproject.toml': '[project]\nname = "workload"\nversion = "0"\n',
  'main.py': [
    '# /// script',
    '# dependencies = ["orange_stats>=1.0"]',
    '# ///',
    `SECRET = "${MAIN_SECRET}"`,
    'import json',
    'import numpy as np',
    'import matplotlib.pyplot as plt',
    'import orange_stats',
    'import helper',
    'points = helper.load("data/points.csv")',
    'xs, ys = np.array(points).T',
    'slope, intercept = np.polyfit(xs, ys, 1)',
    'summary = {"n": len(points), "mean_y": orange_stats.mean(list(ys)),',
    '           "slope": round(float(slope), 6), "note": helper.NOTE}',
    'json.dump(summary, open("out/summary.json", "w"), sort_keys=True)',
    'plt.plot(xs, ys, "o", xs, slope * xs + intercept, "-")',
    'plt.savefig("out/plot.png", metadata={"Software": None})',
    'print("fitted", len(points), "points")',
    '',
  ].join('\n'),
  'helper.py': [
    `SECRET = "${HELPER_SECRET}"`,
    `NOTE = "${SUMMARY_SECRET}"`,
    'def load(path):',
    '    rows = [line.split(",") for line in open(path).read().splitlines()[1:]]',
    '    return [(float(x), float(y)) for x, y, _ in rows]',
    '',
  ].join('\n'),
  'data/points.csv': `x,y,tag\n1,2.1,${DATA_SECRET}\n2,3.9,a\n3,6.2,b\n4,7.8,c\n`,
};

describe('end to end: a real workload (project, declared wheel, numpy on python-data, files back)', function () {
  this.timeout(300_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let requester: TestRequester;
  let folder: string;
  let wheels: string;
  let wheel: string;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider({ runtimes: ['python3', 'python-data'] });
    requester = await net.addRequester();
    folder = await mkdtemp(join(tmpdir(), 'orange-e2e-workload-'));
    for (const [path, content] of Object.entries(project)) {
      await mkdir(dirname(join(folder, 'project', path)), { recursive: true });
      await writeFile(join(folder, 'project', path), content);
    }
    wheels = join(folder, 'wheels');
    await mkdir(wheels);
    wheel = await writeTestWheel(wheels, {
      name: 'orange_stats',
      version: '1.0',
      files: { 'orange_stats.py': 'def mean(xs):\n    return round(sum(xs) / len(xs), 6)\n' },
    });
  });

  after(async () => {
    await net?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('runs, returns both files byte-identical to a local run in the same image, and leaks nothing', async () => {
    const root = join(folder, 'project');
    const payload = await packProject({
      entryFile: join(root, 'main.py'),
      ceiling: root,
      dependencies: {
        target: PYTHON3_TARGET,
        cacheDir: join(folder, 'wheel-cache'),
        pip: systemPip({ env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } }),
        pipArgs: ['--no-index', '--find-links', wheels],
      },
    });
    assert.deepEqual(
      payload.summary.dependencies?.wheels.map((w) => w.path),
      [basename(wheel)],
    );
    const outcome = await runJob(requester, {
      fileName: 'main.py',
      source: Buffer.from(project['main.py']!),
      payload,
      cores: 1,
      memoryMb: 1024,
      timeoutSec: 120,
      outputsDir: join(folder, 'returned'),
    });
    assert.equal(outcome.status, 'completed', `${outcome.failureReason} ${outcome.stderr}`);
    assert.equal(outcome.stderr, '');
    assert.equal(outcome.stdout, 'fitted 4 points\n');
    assert.equal(outcome.result?.outputs?.partial, false);
    assert.ok((outcome.result?.timings.installMs ?? -1) >= 0, 'the install time is reported');
    const saved = new Map(outcome.outputs?.files.map((f) => [f.path, f.savedPath]));
    assert.deepEqual([...saved.keys()].sort(), ['plot.png', 'summary.json']);

    // The same project run locally in the same runtime image, the wheel on the path.
    const local = join(folder, 'local');
    await mkdir(join(local, 'out'), { recursive: true });
    for (const [path, content] of Object.entries(project)) {
      await mkdir(dirname(join(local, path)), { recursive: true });
      await writeFile(join(local, path), content);
    }
    await chmod(join(local, 'out'), 0o777);
    const run = spawnSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '--user',
        '10001:10001',
        '-v',
        `${local}:/work`,
        '-v',
        `${wheels}:/wheels:ro`,
        '-w',
        '/work',
        '-e',
        `PYTHONPATH=/wheels/${basename(wheel)}`,
        DEFAULT_IMAGES['python-data']!,
        'python3',
        'main.py',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, outcome.stdout);
    for (const name of ['summary.json', 'plot.png']) {
      const here = await readFile(join(local, 'out', name));
      const there = await readFile(saved.get(name)!);
      assert.ok(here.length > 0);
      assert.ok(here.equals(there), `${name} differs from the local run`);
    }
    const summary = JSON.parse(await readFile(saved.get('summary.json')!, 'utf8'));
    assert.equal(summary.n, 4);
    assert.equal(summary.note, SUMMARY_SECRET);

    const markers = [MAIN_SECRET, HELPER_SECRET, DATA_SECRET, SUMMARY_SECRET];
    for (const store of [requester.store, provider.store]) {
      for await (const block of store.blocks()) {
        const text = Buffer.from(block).toString('latin1');
        for (const marker of markers)
          assert.ok(!text.includes(marker), `plaintext "${marker}" found in an IPFS block`);
        assert.ok(
          !text.includes(PNG_SIGNATURE),
          'the returned PNG found in the clear in an IPFS block',
        );
      }
    }
    const hexMarkers = markers.map((m) => bytesToHex(Buffer.from(m)).slice(2));
    for await (const data of chainBytes(net, requester))
      for (const hex of hexMarkers) assert.ok(!data.includes(hex), 'plaintext found in chain data');
  });
});
