import assert from 'node:assert/strict';
import { catalogRuntime, encodeRuntimes, parseRuntimes } from '@orange-cloud/sdk';
import { DEFAULT_IMAGES } from '../config.js';
import { silentLogger } from '../logger.js';
import { createDockerSandbox } from '../sandbox/docker-sandbox.js';
import type { RunSpec } from '../sandbox/types.js';
import { offeredRuntimes } from './runtime-probe.js';

// The real runtime images (scripts/ensure-runtime-image.sh), run in the job sandbox.
const sandbox = createDockerSandbox({ owner: `runtime-test-${process.pid}` });
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const PLOT = `
import hashlib, os
import numpy as np
import matplotlib.pyplot as plt

os.makedirs("out", exist_ok=True)
x = np.linspace(0, 2 * np.pi, 200)
plt.plot(x, np.sin(x))
plt.savefig("out/plot.png")
data = open("out/plot.png", "rb").read()
print(os.getcwd(), os.environ.get("MPLBACKEND"), data[:8] == b"\\x89PNG\\r\\n\\x1a\\n", len(data) > 1000)
`;

function job(image: string, script: string): RunSpec {
  return {
    jobId: `runtime-test-${process.pid}-${Math.random().toString(36).slice(2)}`,
    image,
    files: [{ path: 'main.py', mode: 0o644, content: encoder.encode(script) }],
    entrypoint: 'main.py',
    cores: 1,
    memoryMb: 512,
    timeoutSec: 60,
    outputCapBytes: 64 * 1024,
    outputsCapBytes: 16 * 1024 * 1024,
  };
}

describe('runtime images, probed and run in the sandbox', function () {
  this.timeout(120_000);

  it('probes python3 and python-data: Python, platform, glibc, packages with versions and import names', async () => {
    const [python3, data] = await offeredRuntimes(
      { sandbox, log: silentLogger },
      { images: DEFAULT_IMAGES, runtimes: ['python3', 'python-data'] },
    );
    for (const r of [python3!, data!]) {
      assert.match(r.python ?? '', /^3\.11\.\d+$/);
      assert.equal(r.platform, 'linux-x86_64');
      assert.match(r.libc ?? '', /^glibc-2\.\d+$/);
      assert.ok(
        r.packages.some((p) => p.name === 'pip'),
        `${r.name} has pip`,
      );
    }
    const has = (name: string) => data!.packages.find((p) => p.name === name);
    for (const name of ['numpy', 'pandas', 'scipy', 'matplotlib', 'scikit-learn'])
      assert.match(has(name)?.version ?? '', /^\d+\.\d+/, `python-data has ${name}`);
    assert.deepEqual(has('scikit-learn')!.imports, ['sklearn']);
    assert.ok(has('matplotlib')!.imports.includes('mpl_toolkits'));
    // the build toolchain scipy's Debian package pulls in is purged from the image
    assert.equal(has('pythran'), undefined);
    assert.ok(!python3!.packages.some((p) => p.name === 'numpy'));
    // the SDK's catalog states exactly what the images hold: requirements it leaves to a
    // runtime are judged on these facts before any provider is asked
    for (const probed of [python3!, data!]) {
      const { name, python, platform, libc, packages } = catalogRuntime(probed.name)!;
      assert.deepEqual(
        { name, python, platform, libc, packages },
        probed,
        `the catalog's ${probed.name} matches its image`,
      );
    }
    // what the registration carries reads back as itself
    const text = encodeRuntimes([python3!, data!]);
    assert.deepEqual(parseRuntimes(text), [python3, data]);
    console.log(`      advertised runtimes string: ${text.length} characters`);
  });

  it('runs a numpy + matplotlib job on python-data: a PNG under out/, nothing on stderr', async () => {
    const outcome = await sandbox.run(job(DEFAULT_IMAGES['python-data']!, PLOT));
    assert.equal(decoder.decode(outcome.stderr), '');
    assert.equal(outcome.exitCode, 0);
    assert.equal(decoder.decode(outcome.stdout), '/tmp/job Agg True True\n');
    const [plot] = outcome.outputs?.files ?? [];
    assert.equal(plot?.path, 'plot.png', 'the plot comes back from out/');
    assert.ok(plot.bytes > 1000);
  });

  it('has pip in the python3 image, for declared dependencies installed offline', async () => {
    const outcome = await sandbox.run(
      job(
        DEFAULT_IMAGES.python3!,
        'import pip, sys\nprint(pip.__version__.split(".")[0].isdigit())\n',
      ),
    );
    assert.equal(decoder.decode(outcome.stderr), '');
    assert.equal(decoder.decode(outcome.stdout), 'True\n');
  });

  it('keeps numpy out of the python3 image', async () => {
    const outcome = await sandbox.run(job(DEFAULT_IMAGES.python3!, 'import numpy\n'));
    assert.equal(outcome.exitCode, 1);
    assert.match(decoder.decode(outcome.stderr), /ModuleNotFoundError: No module named 'numpy'/);
  });
});
