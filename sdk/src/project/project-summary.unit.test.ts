import assert from 'node:assert/strict';
import { encrypt, SecretKey } from '@nucypher/umbral-pre';
import {
  SEAL_OVERHEAD_BYTES,
  checkProjectCap,
  dependencySummaryLine,
  formatBytes,
  projectSummaryLine,
  summarizeProject,
} from './project-summary.js';

const files = [
  { path: 'main.py', bytes: 300 },
  { path: 'data/points.csv', bytes: 10_342 },
  { path: 'helper.py', bytes: 120 },
  { path: 'data/big.bin', bytes: 40_000 },
];

describe('project summary', () => {
  it('counts files, adds the seal overhead and lists the largest first', () => {
    const summary = summarizeProject(files, 12_000);
    assert.equal(summary.files, 4);
    assert.equal(summary.sealedBytes, 12_000 + SEAL_OVERHEAD_BYTES);
    assert.deepEqual(
      summary.largest.map((f) => f.path),
      ['data/big.bin', 'data/points.csv', 'main.py'],
    );
  });

  it('uses the overhead Umbral really adds', () => {
    const key = SecretKey.random();
    const [capsule, ciphertext] = encrypt(key.publicKey(), new Uint8Array(1234));
    capsule.free();
    assert.equal(ciphertext.length - 1234, SEAL_OVERHEAD_BYTES);
  });

  it('reads as a stage line', () => {
    const line = projectSummaryLine(summarizeProject(files.slice(0, 3), 12_650));
    assert.equal(
      line,
      'sending 3 files, 12.4 KiB sealed (largest: data/points.csv 10.1 KiB, main.py 300 B, helper.py 120 B)',
    );
  });

  it('formats sizes in B, KiB and MiB', () => {
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(50 * 1024 * 1024), '50.0 MiB');
  });
});

describe('checkProjectCap', () => {
  it('lets a project at the cap through', () => {
    checkProjectCap(files, 1000, 1000);
  });

  it('refuses a project over the cap, naming the largest offenders', () => {
    assert.throws(() => checkProjectCap(files, 60_000, 50_000), {
      name: 'OrangeError',
      code: 'PROJECT_TOO_LARGE',
      message:
        /58\.6 KiB sealed, over the 48\.8 KiB cap; largest: data\/big\.bin \(39\.1 KiB\), data\/points\.csv \(10\.1 KiB\), main\.py/,
    });
  });

  it('names the wheels that travel, the first six and how many more', () => {
    const wheels = Array.from({ length: 8 }, (_, i) => ({
      path: `pkg${i}-1.${i}-py3-none-any.whl`,
      bytes: 1024 * (i + 1),
    }));
    const summary = summarizeProject(files, 12_000, {
      source: 'requirements.txt',
      requirements: ['pkg0'],
      wheels,
      cached: false,
    });
    assert.equal(
      dependencySummaryLine(summary),
      'dependencies from requirements.txt: 8 wheels, 36.0 KiB (pkg0 1.0 1.0 KiB, pkg1 1.1 2.0 KiB, pkg2 1.2 3.0 KiB, pkg3 1.3 4.0 KiB, pkg4 1.4 5.0 KiB, pkg5 1.5 6.0 KiB, and 2 more)',
    );
    const none = summarizeProject(files, 12_000, {
      source: 'pyproject.toml',
      requirements: [],
      wheels: [],
      cached: true,
    });
    assert.equal(dependencySummaryLine(none), undefined);
    assert.equal(dependencySummaryLine(summarizeProject(files, 12_000)), undefined);
  });

  it('names the requirements a runtime holds, with or without wheels beside them', () => {
    const fromRuntime = [
      { requirement: 'numpy>=1.20', runtime: 'python-data' },
      { requirement: 'pandas', runtime: 'python-data' },
    ];
    const held = summarizeProject(files, 12_000, {
      source: 'script metadata',
      requirements: ['numpy>=1.20', 'pandas'],
      fromRuntime,
      wheels: [],
      cached: true,
    });
    assert.equal(
      dependencySummaryLine(held),
      'dependencies from script metadata: numpy>=1.20 from python-data; pandas from python-data',
    );
    const both = summarizeProject(files, 12_000, {
      source: 'script metadata',
      requirements: ['numpy>=1.20', 'six'],
      fromRuntime: fromRuntime.slice(0, 1),
      wheels: [{ path: 'six-1.16.0-py2.py3-none-any.whl', bytes: 11_264 }],
      cached: false,
    });
    assert.equal(
      dependencySummaryLine(both),
      'dependencies from script metadata: numpy>=1.20 from python-data; 1 wheel, 11.0 KiB (six 1.16.0 11.0 KiB)',
    );
  });
});
