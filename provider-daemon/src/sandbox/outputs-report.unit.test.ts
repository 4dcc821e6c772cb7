import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { pack } from 'tar-stream';
import { MAX_OUTPUT_ENTRIES } from '@orange-cloud/sdk';
import {
  parseBootstrapReport,
  readOutputs,
  reportedInstallMs,
  verifyArchive,
} from './outputs-report.js';

const encoder = new TextEncoder();
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function tarOf(
  entries: { name: string; content: Uint8Array; type?: 'file' | 'symlink' }[],
): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const entry of entries) {
    if (entry.type === 'symlink')
      archive.entry({ name: entry.name, type: 'symlink', linkname: '/etc/passwd' });
    else
      archive.entry({ name: entry.name, size: entry.content.length }, Buffer.from(entry.content));
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

const summary = encoder.encode('{"mean": 4.5}\n');
const plot = Uint8Array.from({ length: 2000 }, (_, i) => (i * 13) % 256);
const files = [
  { path: 'summary.json', bytes: summary.length, sha256: sha256(summary) },
  { path: 'plots/plot.png', bytes: plot.length, sha256: sha256(plot) },
];

function report(overrides: Record<string, unknown> = {}): Uint8Array {
  return encoder.encode(
    JSON.stringify({
      files,
      skipped: [{ path: 'link', reason: 'symbolic link' }],
      truncated: false,
      partial: false,
      exitCode: 0,
      signal: null,
      runMs: 12,
      ...overrides,
    }),
  );
}

describe('outputs report', () => {
  it('parses a well-formed report', () => {
    const parsed = parseBootstrapReport(report());
    assert.deepEqual(parsed.files, files);
    assert.deepEqual(parsed.skipped, [{ path: 'link', reason: 'symbolic link' }]);
    assert.equal(parsed.exitCode, 0);
  });

  it('reads the dependency install time when the bootstrap installed wheels', () => {
    const archive = new Uint8Array(0);
    const section = (extra: Record<string, unknown>) => ({
      complete: true as const,
      archive,
      report: report({ files: [], ...extra }),
    });
    assert.equal(parseBootstrapReport(report({ installMs: 340 })).installMs, 340);
    assert.equal(reportedInstallMs(section({ installMs: 340 })), 340);
    assert.equal(reportedInstallMs(section({ installMs: null })), undefined);
    assert.equal(reportedInstallMs(section({})), undefined);
    assert.equal(reportedInstallMs(section({ installMs: -1 })), undefined);
    assert.equal(reportedInstallMs(undefined), undefined);
    assert.throws(() => parseBootstrapReport(report({ installMs: 'soon' })), /installMs/);
    assert.throws(() => parseBootstrapReport(report({ extra: 1 })), /exactly the fields/);
  });

  const malformed: [string, Uint8Array, RegExp][] = [
    ['not JSON', encoder.encode('{"files": ['), /not UTF-8 JSON/],
    ['not UTF-8', Uint8Array.from([0x7b, 0xff, 0x7d]), /not UTF-8 JSON/],
    ['a list at the top', encoder.encode('[]'), /not an object/],
    ['an extra field', report({ cid: 'bafy' }), /exactly the fields/],
    ['a missing field', encoder.encode('{"files":[],"skipped":[]}'), /exactly the fields/],
    [
      'an escaping path',
      report({ files: [{ ...files[0], path: '../../etc/passwd' }] }),
      /safe relative path/,
    ],
    [
      'an absolute path',
      report({ files: [{ ...files[0], path: '/etc/passwd' }] }),
      /safe relative path/,
    ],
    [
      'a control character in a path',
      report({ files: [{ ...files[0], path: 'a\nb' }] }),
      /safe relative path/,
    ],
    ['a path listed twice', report({ files: [files[0], files[0]] }), /twice/],
    ['a bad digest', report({ files: [{ ...files[0], sha256: 'ABC' }] }), /SHA-256/],
    ['a negative size', report({ files: [{ ...files[0], bytes: -1 }] }), /whole number/],
    ['a fractional size', report({ files: [{ ...files[0], bytes: 1.5 }] }), /whole number/],
    ['a long reason', report({ skipped: [{ path: 'x', reason: 'r'.repeat(201) }] }), /short line/],
    ['a reason with a newline', report({ skipped: [{ path: 'x', reason: 'a\nb' }] }), /short line/],
    ['a string flag', report({ truncated: 'yes' }), /true or false/],
    [
      'too many entries',
      report({
        files: [],
        skipped: Array.from({ length: MAX_OUTPUT_ENTRIES + 1 }, (_, i) => ({
          path: `f${i}`,
          reason: 'FIFO',
        })),
      }),
      /more than 10000 entries/,
    ],
  ];
  for (const [what, bytes, reason] of malformed) {
    it(`drops the outputs of a report with ${what}, saying why`, async () => {
      assert.throws(() => parseBootstrapReport(bytes), reason);
      const outputs = await readOutputs(
        { complete: true, archive: new Uint8Array(0), report: bytes },
        false,
      );
      assert.ok(outputs);
      assert.deepEqual(outputs.files, []);
      assert.equal(outputs.archive.length, 0);
      assert.equal(outputs.partial, true);
      assert.equal(outputs.skipped.length, 1);
      assert.match(outputs.skipped[0]!.reason, /^the outputs were refused: /);
      assert.match(outputs.skipped[0]!.reason, reason);
    });
  }
});

describe('outputs archive check', () => {
  it('accepts the archive of exactly the reported files and returns it', async () => {
    const archive = await tarOf([
      { name: 'summary.json', content: summary },
      { name: 'plots/plot.png', content: plot },
    ]);
    const outputs = await readOutputs({ complete: true, archive, report: report() }, false);
    assert.deepEqual(outputs, {
      archive,
      files,
      skipped: [{ path: 'link', reason: 'symbolic link' }],
      truncated: false,
      partial: false,
    });
  });

  it('marks the outputs partial when the daemon stopped the job', async () => {
    const archive = await tarOf([
      { name: 'summary.json', content: summary },
      { name: 'plots/plot.png', content: plot },
    ]);
    const outputs = await readOutputs({ complete: true, archive, report: report() }, true);
    assert.equal(outputs?.partial, true);
  });

  it('returns no outputs for a job that left out/ empty', async () => {
    const empty = report({ files: [], skipped: [] });
    assert.equal(
      await readOutputs({ complete: true, archive: new Uint8Array(0), report: empty }, false),
      undefined,
    );
  });

  const mismatches: [string, () => Promise<Uint8Array>, RegExp][] = [
    [
      'a file with other bytes',
      () =>
        tarOf([
          { name: 'summary.json', content: plot },
          { name: 'plots/plot.png', content: plot },
        ]),
      /differs/,
    ],
    [
      'another name',
      () =>
        tarOf([
          { name: 'other.json', content: summary },
          { name: 'plots/plot.png', content: plot },
        ]),
      /entry 1/,
    ],
    ['a missing file', () => tarOf([{ name: 'summary.json', content: summary }]), /fewer files/],
    [
      'an extra file',
      () =>
        tarOf([
          { name: 'summary.json', content: summary },
          { name: 'plots/plot.png', content: plot },
          { name: 'x', content: plot },
        ]),
      /entry 3/,
    ],
    [
      'a symlink entry',
      () => tarOf([{ name: 'summary.json', content: summary, type: 'symlink' }]),
      /entry 1/,
    ],
    [
      'a truncated tar',
      async () =>
        (
          await tarOf([
            { name: 'summary.json', content: summary },
            { name: 'plots/plot.png', content: plot },
          ])
        ).subarray(0, 1200),
      /./,
    ],
    ['garbage', async () => encoder.encode('x'.repeat(1024)), /./],
  ];
  for (const [what, build, reason] of mismatches) {
    it(`drops an archive with ${what}`, async () => {
      const archive = await build();
      await assert.rejects(verifyArchive(archive, files), reason);
      const outputs = await readOutputs({ complete: true, archive, report: report() }, false);
      assert.deepEqual(outputs?.files, []);
      assert.match(outputs?.skipped[0]?.reason ?? '', /^the outputs were refused/);
    });
  }

  it('drops an archive sent with an empty list', async () => {
    const archive = await tarOf([{ name: 'summary.json', content: summary }]);
    await assert.rejects(verifyArchive(archive, []), /listed no files/);
  });

  it('says when out/ was never collected or its section was cut short', async () => {
    const never = await readOutputs(undefined, true);
    assert.deepEqual(never?.skipped, [
      { path: 'out', reason: 'the sandbox ended before it could collect out/' },
    ]);
    const cut = await readOutputs(
      {
        complete: false,
        reason: 'the sandbox ended before it finished sending out/',
        truncated: false,
      },
      false,
    );
    assert.equal(cut?.partial, true);
    const over = await readOutputs(
      { complete: false, reason: 'the outputs section was refused: too large', truncated: true },
      false,
    );
    assert.equal(over?.truncated, true);
    assert.deepEqual(cut?.files, []);
  });
});
