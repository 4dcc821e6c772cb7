import { type Address, type Hex, type LocalAccount } from 'viem';
import type { SealedBox } from '../crypto/sealed-box.js';
import { OrangeError } from '../errors.js';
import { DocumentFields, canonicalJson } from './document-fields.js';
import { SIGNATURE_HEX, documentSigner, signDocument } from './document-signature.js';
import { MAX_OUTPUT_SEGMENTS, segmentsMatch, type OutputSegment } from './output-order.js';
import { hasControlCharacter, isSafeRelativePath } from './paths.js';

/** The job a result belongs to: a result copied to another job, chain or market never verifies. */
export interface ResultBinding {
  chainId: number;
  /** The market contract, lowercase hex. */
  market: Address;
  /** The on-chain job id as a decimal string. */
  jobId: string;
}

/**
 * The full outcome of a run, as the provider reports it: signed by the provider (the signature
 * travels beside it in the stored document, see `signResult`), then sealed as a whole to the
 * requester.
 */
export interface JobResult {
  version: 2;
  kind: 'orange-cloud/result';
  binding: ResultBinding;
  /** null when the process never exited on its own (killed, never started). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /**
   * The order stdout and stderr were printed in, as runs of characters of the two strings
   * (see output-order.ts); absent from older providers: then stdout, then stderr.
   */
  interleaving?: OutputSegment[];
  outputTruncated: boolean;
  timedOut: boolean;
  outOfMemory: boolean;
  /** Why the run failed on the provider's side, when it did. */
  failure?: string;
  timings: {
    startedAt: string;
    endedAt: string;
    /** Container start to end: what was billed, dependency install included. */
    durationMs: number;
    /** Of durationMs, the time spent installing the job's declared dependencies. */
    installMs?: number;
  };
  usage?: { peakMemoryBytes?: number; cpuSeconds?: number };
  /** The files the job wrote under `out/`, when it wrote or tried to write any. */
  outputs?: JobOutputs;
}

/**
 * What came back from the job's `out/` folder. The files themselves travel as one tar of
 * regular files (paths relative to `out/`), sealed to the job key like the result and stored
 * under `cid`; this list is what the requester checks the archive against.
 */
export interface JobOutputs {
  /** CID of the sealed archive; absent when no file came back (all skipped, or none fitted). */
  cid?: string;
  /** Size of the stored sealed archive, so the requester can bound its fetch. */
  sealedBytes: number;
  files: OutputFile[];
  /** Entries that did not come back: links, FIFOs, devices, or files over the cap. */
  skipped: SkippedOutput[];
  /** Some files did not fit under the provider's outputs cap. */
  truncated: boolean;
  /** The job did not end on its own (timed out, out of memory, cancelled): files may be half-written. */
  partial: boolean;
}

export interface OutputFile {
  /** Relative to `out/`, `/`-separated, no `.` or `..` segments. */
  path: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface SkippedOutput {
  path: string;
  /** Why, in words a user reads: "symbolic link", "FIFO", "over the 100 MiB outputs cap", ... */
  reason: string;
}

/** The stored form of a result: its Umbral ciphertext, base64 in JSON. */
export interface SealedResult {
  version: 1;
  kind: 'orange-cloud/sealed-result';
  capsule: string;
  ciphertext: string;
}

const MAX_SEALED_RESULT_BYTES = 96 * 1024 * 1024;
/** The most output entries (files plus skipped) a result may list. */
export const MAX_OUTPUT_ENTRIES = 10_000;
/** The largest sealed outputs archive a requester fetches. */
export const MAX_SEALED_OUTPUTS_BYTES = 1024 * 1024 * 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const fields = new DocumentFields(
  'RESULT_INVALID',
  'job result',
  'The provider published a result that does not follow the Orange Cloud protocol.',
);

/** What the provider signs the result under (see document-signature.ts). */
export const RESULT_SIGNING_PREFIX = 'orange-cloud/result/v2\n';

/** The provider's key and the job's chain and market: what a result is signed and bound with. */
export interface ResultSigner {
  account: LocalAccount;
  chainId: number;
  market: Address;
}

/** What the requester expects of a job's result: its binding, and who must have signed it. */
export interface ExpectedResult {
  binding: ResultBinding;
  provider: Address;
}

/** The unsigned document (canonical JSON): what the signature covers. */
export function encodeResult(result: JobResult): Uint8Array {
  return new TextEncoder().encode(canonicalJson(result));
}

/** The stored document: the result and the provider's signature over it (canonical JSON). */
export async function signResult(account: LocalAccount, result: JobResult): Promise<Uint8Array> {
  const signature = await signDocument(account, RESULT_SIGNING_PREFIX, result);
  return new TextEncoder().encode(canonicalJson({ ...result, signature }));
}

/**
 * Reads a signed result and accepts it only when the job's provider signed it and it is bound
 * to the expected chain, market and job: RESULT_NOT_SIGNED for a missing, malformed or foreign
 * signature, RESULT_WRONG_JOB for a result of another job (replayed or mixed up).
 */
export async function openSignedResult(
  bytes: Uint8Array,
  expected: ExpectedResult,
): Promise<JobResult> {
  const { signature, ...body } = fields.parseJson(bytes);
  const jobId = expected.binding.jobId;
  if (typeof signature !== 'string' || !SIGNATURE_HEX.test(signature)) {
    throw new OrangeError('RESULT_NOT_SIGNED', `The result of job ${jobId} carries no signature.`, {
      hint: "Only a result signed by the job's provider is shown; this one is refused and nothing is saved.",
    });
  }
  const result = parseResultObject(body);
  const signer = await documentSigner(RESULT_SIGNING_PREFIX, body, signature as Hex);
  if (signer?.toLowerCase() !== expected.provider.toLowerCase()) {
    throw new OrangeError(
      'RESULT_NOT_SIGNED',
      `The result of job ${jobId} is not signed by its provider ${expected.provider}.`,
      { hint: 'Someone other than the provider wrote it; it is refused and nothing is saved.' },
    );
  }
  const want = expected.binding;
  const got = result.binding;
  if (
    got.jobId !== want.jobId ||
    got.chainId !== want.chainId ||
    got.market.toLowerCase() !== want.market.toLowerCase()
  ) {
    throw new OrangeError(
      'RESULT_WRONG_JOB',
      `The result stored for job ${jobId} belongs to job ${got.jobId} (chain ${got.chainId}, market ${got.market}).`,
      {
        hint: 'It was made for another job, chain or market; it is refused and nothing is saved.',
      },
    );
  }
  return result;
}

/** Parses an unsigned result document (as `encodeResult` writes it). */
export function parseResult(bytes: Uint8Array): JobResult {
  return parseResultObject(fields.parseJson(bytes));
}

function parseResultObject(value: Record<string, unknown>): JobResult {
  const root = fields.object(
    value,
    '',
    [
      'version',
      'kind',
      'binding',
      'exitCode',
      'stdout',
      'stderr',
      'outputTruncated',
      'timedOut',
      'outOfMemory',
      'timings',
    ],
    ['failure', 'usage', 'outputs', 'interleaving'],
  );
  fields.literal(root, 'version', 2);
  fields.literal(root, 'kind', 'orange-cloud/result');
  const binding = fields.object(root.binding, 'binding', ['chainId', 'market', 'jobId']);
  const timings = fields.object(
    root.timings,
    'timings',
    ['startedAt', 'endedAt', 'durationMs'],
    ['installMs'],
  );
  const result: JobResult = {
    version: 2,
    kind: 'orange-cloud/result',
    binding: {
      chainId: fields.number(binding, 'binding.chainId', 1, Number.MAX_SAFE_INTEGER),
      market: fields.string(
        binding,
        'binding.market',
        /^0x[0-9a-f]{40}$/,
        'a lowercase hex address',
      ) as Address,
      jobId: fields.string(binding, 'binding.jobId', /^(0|[1-9][0-9]{0,77})$/, 'a decimal job id'),
    },
    exitCode:
      root.exitCode === null ? null : fields.number(root, 'exitCode', -(2 ** 31), 2 ** 32 - 1),
    stdout: fields.string(root, 'stdout'),
    stderr: fields.string(root, 'stderr'),
    outputTruncated: fields.boolean(root, 'outputTruncated'),
    timedOut: fields.boolean(root, 'timedOut'),
    outOfMemory: fields.boolean(root, 'outOfMemory'),
    timings: {
      startedAt: fields.timestamp(timings, 'timings.startedAt'),
      endedAt: fields.timestamp(timings, 'timings.endedAt'),
      durationMs: fields.number(timings, 'timings.durationMs', 0, Number.MAX_SAFE_INTEGER, false),
    },
  };
  if ('installMs' in timings) {
    result.timings.installMs = fields.number(
      timings,
      'timings.installMs',
      0,
      result.timings.durationMs,
      false,
    );
  }
  if ('failure' in root) result.failure = fields.string(root, 'failure');
  if ('interleaving' in root) result.interleaving = parseInterleaving(root.interleaving, result);
  if ('outputs' in root) result.outputs = parseOutputs(root.outputs);
  if ('usage' in root) {
    const usage = fields.object(root.usage, 'usage', [], ['peakMemoryBytes', 'cpuSeconds']);
    result.usage = {};
    if ('peakMemoryBytes' in usage) {
      result.usage.peakMemoryBytes = fields.number(
        usage,
        'usage.peakMemoryBytes',
        0,
        Number.MAX_SAFE_INTEGER,
      );
    }
    if ('cpuSeconds' in usage) {
      result.usage.cpuSeconds = fields.number(
        usage,
        'usage.cpuSeconds',
        0,
        Number.MAX_SAFE_INTEGER,
        false,
      );
    }
  }
  if (Date.parse(result.timings.endedAt) < Date.parse(result.timings.startedAt)) {
    throw fields.fail('timings.endedAt', 'must not be before timings.startedAt');
  }
  return result;
}

function parseInterleaving(
  value: unknown,
  output: { stdout: string; stderr: string },
): OutputSegment[] {
  if (!Array.isArray(value)) throw fields.fail('interleaving', 'must be a list');
  if (value.length > MAX_OUTPUT_SEGMENTS + 2)
    throw fields.fail('interleaving', `must list at most ${MAX_OUTPUT_SEGMENTS + 2} runs`);
  const segments = value.map((item, i) => {
    const where = `interleaving.${i}`;
    const run = fields.object(item, where, ['stream', 'length']);
    const stream = fields.string(run, `${where}.stream`, /^(stdout|stderr)$/, 'stdout or stderr');
    return {
      stream: stream as OutputSegment['stream'],
      length: fields.number(run, `${where}.length`, 1, Number.MAX_SAFE_INTEGER),
    };
  });
  if (!segmentsMatch(segments, output))
    throw fields.fail('interleaving', 'must add up to the lengths of stdout and stderr');
  return segments;
}

function parseOutputs(value: unknown): JobOutputs {
  const root = fields.object(
    value,
    'outputs',
    ['sealedBytes', 'files', 'skipped', 'truncated', 'partial'],
    ['cid'],
  );
  const list = (key: 'files' | 'skipped'): unknown[] => {
    const items = root[key];
    if (!Array.isArray(items)) throw fields.fail(`outputs.${key}`, 'must be a list');
    return items;
  };
  const files = list('files');
  const skipped = list('skipped');
  if (files.length + skipped.length > MAX_OUTPUT_ENTRIES)
    throw fields.fail('outputs', `must list at most ${MAX_OUTPUT_ENTRIES} entries`);
  const path = (record: Record<string, unknown>, where: string): string => {
    const text = fields.string(record, where);
    if (!isSafeRelativePath(text)) throw fields.fail(where, 'must be a safe relative path');
    return text;
  };
  const reason = (record: Record<string, unknown>, where: string): string => {
    const text = fields.string(record, where);
    if (text.length === 0 || text.length > 200 || hasControlCharacter(text))
      throw fields.fail(where, 'must be a short line of text');
    return text;
  };
  const seen = new Set<string>();
  const outputs: JobOutputs = {
    sealedBytes: fields.number(root, 'outputs.sealedBytes', 0, MAX_SEALED_OUTPUTS_BYTES),
    files: files.map((item, i) => {
      const where = `outputs.files.${i}`;
      const file = fields.object(item, where, ['path', 'bytes', 'sha256']);
      const entry: OutputFile = {
        path: path(file, `${where}.path`),
        bytes: fields.number(file, `${where}.bytes`, 0, MAX_SEALED_OUTPUTS_BYTES),
        sha256: fields.string(file, `${where}.sha256`, SHA256_HEX, 'lowercase hex SHA-256'),
      };
      if (seen.has(entry.path)) throw fields.fail(`${where}.path`, 'is listed twice');
      seen.add(entry.path);
      return entry;
    }),
    skipped: skipped.map((item, i) => {
      const where = `outputs.skipped.${i}`;
      const entry = fields.object(item, where, ['path', 'reason']);
      return {
        path: path(entry, `${where}.path`),
        reason: reason(entry, `${where}.reason`),
      };
    }),
    truncated: fields.boolean(root, 'outputs.truncated'),
    partial: fields.boolean(root, 'outputs.partial'),
  };
  if ('cid' in root) outputs.cid = fields.string(root, 'outputs.cid');
  if (outputs.files.length > 0 && outputs.cid === undefined)
    throw fields.fail('outputs.cid', 'is missing while files are listed');
  return outputs;
}

/** The stored form of a sealed result (canonical JSON). */
export function encodeSealedResult(box: SealedBox): Uint8Array {
  const sealed: SealedResult = {
    version: 1,
    kind: 'orange-cloud/sealed-result',
    capsule: Buffer.from(box.capsule).toString('base64'),
    ciphertext: Buffer.from(box.ciphertext).toString('base64'),
  };
  return new TextEncoder().encode(canonicalJson(sealed));
}

/** Parses the stored form back into the box `openAsRequester` takes. */
export function parseSealedResult(bytes: Uint8Array): SealedBox {
  if (bytes.length > MAX_SEALED_RESULT_BYTES)
    throw fields.fail('', `is larger than ${MAX_SEALED_RESULT_BYTES} bytes`);
  const root = fields.object(fields.parseJson(bytes), '', [
    'version',
    'kind',
    'capsule',
    'ciphertext',
  ]);
  fields.literal(root, 'version', 1);
  fields.literal(root, 'kind', 'orange-cloud/sealed-result');
  return {
    capsule: fields.base64(root, 'capsule', 1024),
    ciphertext: fields.base64(root, 'ciphertext', MAX_SEALED_RESULT_BYTES),
  };
}
