import assert from 'node:assert/strict';
import { privateKeyToAccount } from 'viem/accounts';
import { canonicalJson } from './document-fields.js';
import {
  encodeResult,
  encodeSealedResult,
  openSignedResult,
  parseResult,
  parseSealedResult,
  signResult,
  type ExpectedResult,
  type JobResult,
} from './result.js';

const result: JobResult = {
  version: 2,
  kind: 'orange-cloud/result',
  binding: {
    chainId: 31337,
    market: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
    jobId: '18446744073709551617',
  },
  exitCode: 0,
  stdout: 'hello ✓\n',
  stderr: '',
  outputTruncated: false,
  timedOut: false,
  outOfMemory: false,
  timings: {
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.250Z',
    durationMs: 1250,
  },
};
const file = { path: 'summary.json', bytes: 2, sha256: 'cd'.repeat(32) };
const outputs = {
  cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  sealedBytes: 100,
  files: [file],
  skipped: [],
  truncated: false,
  partial: false,
};
/** A copy of a JSON document with the field at the dotted `path` set (undefined drops it). */
function withField(document: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return copy;
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('job result', () => {
  it('round-trips a minimal and a full result', () => {
    assert.deepEqual(parseResult(encodeResult(result)), result);
    const full: JobResult = {
      ...result,
      exitCode: null,
      timedOut: true,
      failure: 'killed after 60 s',
      usage: { peakMemoryBytes: 1 << 20, cpuSeconds: 0.25 },
      timings: { ...result.timings, installMs: 300.5 },
      outputs: {
        cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
        sealedBytes: 4242,
        files: [{ path: 'plots/a.png', bytes: 4000, sha256: 'ab'.repeat(32) }],
        skipped: [{ path: 'pipe', reason: 'FIFO' }],
        truncated: false,
        partial: true,
      },
    };
    assert.deepEqual(parseResult(encodeResult(full)), full);
  });

  const cases: [string, string, unknown, RegExp][] = [
    ['kind', 'kind', 'orange-cloud/job', /field "kind" must be "orange-cloud\/result"/],
    ['binding.jobId', 'binding.jobId', '01', /field "binding.jobId" must be a decimal job id/],
    [
      'binding.market',
      'binding.market',
      '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      /field "binding.market" must be a lowercase hex address/,
    ],
    ['binding.chainId', 'binding.chainId', 0, /field "binding.chainId" must be an integer/],
    ['version', 'version', 1, /field "version" must be 2/],
    ['exitCode', 'exitCode', '0', /field "exitCode" must be an integer/],
    ['stdout', 'stdout', undefined, /field "stdout" is missing/],
    ['timedOut', 'timedOut', 'no', /field "timedOut" must be true or false/],
    ['failure', 'failure', 42, /field "failure" must be a string/],
    [
      'timings.startedAt',
      'timings.startedAt',
      'yesterday',
      /field "timings.startedAt" must be an ISO-8601/,
    ],
    [
      'timings.endedAt',
      'timings.endedAt',
      '2024-12-31T23:59:59.000Z',
      /field "timings.endedAt" must not be before/,
    ],
    [
      'timings.durationMs',
      'timings.durationMs',
      -1,
      /field "timings.durationMs" must be a number from 0/,
    ],
    [
      'usage.cpuSeconds',
      'usage',
      { cpuSeconds: 'lots' },
      /field "usage.cpuSeconds" must be a number/,
    ],
    [
      'timings.installMs',
      'timings.installMs',
      5000,
      /field "timings.installMs" must be a number from 0 to 1250/,
    ],
    [
      'outputs path',
      'outputs',
      { ...outputs, files: [{ path: '../etc/passwd', bytes: 1, sha256: 'ab'.repeat(32) }] },
      /field "outputs.files.0.path" must be a safe relative path/,
    ],
    [
      'outputs duplicate',
      'outputs',
      { ...outputs, files: [file, file] },
      /field "outputs.files.1.path" is listed twice/,
    ],
    [
      'outputs sha256',
      'outputs',
      { ...outputs, files: [{ ...file, sha256: 'AB'.repeat(32) }] },
      /field "outputs.files.0.sha256" must be lowercase hex/,
    ],
    [
      'outputs without a cid',
      'outputs',
      { ...outputs, cid: undefined },
      /field "outputs.cid" is missing while files are listed/,
    ],
    [
      'skipped reason',
      'outputs',
      { ...outputs, skipped: [{ path: 'x', reason: '\u001b[2J' }] },
      /field "outputs.skipped.0.reason" must be a short line/,
    ],
    [
      'outputs too many entries',
      'outputs',
      {
        ...outputs,
        skipped: Array.from({ length: 10_000 }, () => ({ path: 'x', reason: 'FIFO' })),
      },
      /field "outputs" must list at most 10000 entries/,
    ],
    ['usage (extra field)', 'usage', { gpuSeconds: 1 }, /field "usage.gpuSeconds" is not allowed/],
  ];
  for (const [name, path, value, message] of cases) {
    it(`rejects a bad ${name} with RESULT_INVALID naming the field`, () => {
      assert.throws(() => parseResult(encode(withField(result, path, value))), {
        name: 'OrangeError',
        code: 'RESULT_INVALID',
        message,
      });
    });
  }
});

describe('signed result', () => {
  const provider = privateKeyToAccount(`0x${'11'.repeat(32)}`);
  const stranger = privateKeyToAccount(`0x${'22'.repeat(32)}`);
  const expected: ExpectedResult = { binding: result.binding, provider: provider.address };
  const refusedWith = (code: string, message: RegExp) => ({ name: 'OrangeError', code, message });

  it("opens a result the job's provider signed for this job", async () => {
    assert.deepEqual(await openSignedResult(await signResult(provider, result), expected), result);
  });

  it("refuses a result signed by the provider for another job's id, chain or market", async () => {
    const other = (binding: Partial<JobResult['binding']>) =>
      signResult(provider, { ...result, binding: { ...result.binding, ...binding } });
    for (const bytes of [
      await other({ jobId: '7' }),
      await other({ chainId: 1 }),
      await other({ market: '0x00000000000000000000000000000000000000c3' }),
    ]) {
      await assert.rejects(
        openSignedResult(bytes, expected),
        refusedWith('RESULT_WRONG_JOB', /belongs to job/),
      );
    }
  });

  it('refuses a result with no signature, a malformed one, or one by someone else', async () => {
    const unsigned = encodeResult(result);
    await assert.rejects(
      openSignedResult(unsigned, expected),
      refusedWith('RESULT_NOT_SIGNED', /carries no signature/),
    );
    const malformed = new TextEncoder().encode(
      canonicalJson({ ...result, signature: `0x${'00'.repeat(65)}` }),
    );
    await assert.rejects(
      openSignedResult(malformed, expected),
      refusedWith('RESULT_NOT_SIGNED', /is not signed by its provider/),
    );
    await assert.rejects(
      openSignedResult(await signResult(stranger, result), expected),
      refusedWith('RESULT_NOT_SIGNED', /is not signed by its provider/),
    );
  });

  it('refuses a signed result whose content was changed after signing', async () => {
    const signed = JSON.parse(new TextDecoder().decode(await signResult(provider, result)));
    const forged = new TextEncoder().encode(canonicalJson({ ...signed, stdout: 'forged\n' }));
    await assert.rejects(
      openSignedResult(forged, expected),
      refusedWith('RESULT_NOT_SIGNED', /is not signed by its provider/),
    );
  });
});

describe('sealed result', () => {
  const box = { capsule: Uint8Array.from([1, 2, 3]), ciphertext: Uint8Array.from([4, 5, 6, 7]) };

  it('round-trips the sealed box as base64 JSON', () => {
    const bytes = encodeSealedResult(box);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)), {
      capsule: 'AQID',
      ciphertext: 'BAUGBw==',
      kind: 'orange-cloud/sealed-result',
      version: 1,
    });
    assert.deepEqual(parseSealedResult(bytes), box);
  });

  it('rejects malformed sealed results with RESULT_INVALID naming the field', () => {
    const good = JSON.parse(new TextDecoder().decode(encodeSealedResult(box))) as Record<
      string,
      unknown
    >;
    for (const [value, message] of [
      [{ ...good, kind: 'orange-cloud/result' }, /field "kind"/],
      [{ ...good, ciphertext: 'BAUGBw' }, /field "ciphertext" must be canonical base64/],
      [{ ...good, capsule: '' }, /field "capsule" must be base64/],
      [{ ...good, capsule: undefined }, /field "capsule" is missing/],
    ] as const) {
      assert.throws(() => parseSealedResult(encode(value)), { code: 'RESULT_INVALID', message });
    }
    assert.throws(() => parseSealedResult(Uint8Array.from([0x80])), {
      code: 'RESULT_INVALID',
      message: /not UTF-8 JSON/,
    });
  });
});
