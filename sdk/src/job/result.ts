import type { SealedBox } from '../crypto/sealed-box.js';
import { DocumentFields, canonicalJson } from './document-fields.js';

/** The full outcome of a run, as the provider reports it; sealed as a whole to the requester. */
export interface JobResult {
  version: 1;
  kind: 'orange-cloud/result';
  /** The on-chain job id as a decimal string. */
  jobId: string;
  /** null when the process never exited on its own (killed, never started). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputTruncated: boolean;
  timedOut: boolean;
  outOfMemory: boolean;
  /** Why the run failed on the provider's side, when it did. */
  failure?: string;
  timings: { startedAt: string; endedAt: string; durationMs: number };
  usage?: { peakMemoryBytes?: number; cpuSeconds?: number };
}

/** The stored form of a result: its Umbral ciphertext, base64 in JSON. */
export interface SealedResult {
  version: 1;
  kind: 'orange-cloud/sealed-result';
  capsule: string;
  ciphertext: string;
}

const MAX_SEALED_RESULT_BYTES = 96 * 1024 * 1024;

const fields = new DocumentFields(
  'RESULT_INVALID',
  'job result',
  'The provider published a result that does not follow the Orange Cloud protocol.',
);

export function encodeResult(result: JobResult): Uint8Array {
  return new TextEncoder().encode(canonicalJson(result));
}

export function parseResult(bytes: Uint8Array): JobResult {
  const root = fields.object(
    fields.parseJson(bytes),
    '',
    [
      'version',
      'kind',
      'jobId',
      'exitCode',
      'stdout',
      'stderr',
      'outputTruncated',
      'timedOut',
      'outOfMemory',
      'timings',
    ],
    ['failure', 'usage'],
  );
  fields.literal(root, 'version', 1);
  fields.literal(root, 'kind', 'orange-cloud/result');
  const timings = fields.object(root.timings, 'timings', ['startedAt', 'endedAt', 'durationMs']);
  const result: JobResult = {
    version: 1,
    kind: 'orange-cloud/result',
    jobId: fields.string(root, 'jobId', /^(0|[1-9][0-9]{0,77})$/, 'a decimal job id'),
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
  if ('failure' in root) result.failure = fields.string(root, 'failure');
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
