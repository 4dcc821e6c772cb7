import type { SealedBox } from '../crypto/sealed-box.js';
import { DocumentFields, canonicalJson } from './document-fields.js';
import { MAX_SEALED_OUTPUTS_BYTES } from './result.js';

/**
 * The stored form of a job's outputs archive sealed to the job key (`sealForRequester`):
 * one line of canonical JSON naming the kind and carrying the capsule, then the raw
 * ciphertext. Unlike a sealed result the ciphertext is not base64 in JSON: an archive may
 * be 100 MiB, and a third more to fetch and hold for nothing is worth avoiding.
 */
export interface SealedOutputsHeader {
  version: 1;
  kind: 'orange-cloud/sealed-outputs';
  /** The Umbral capsule, base64. */
  capsule: string;
}

const NEWLINE = 0x0a;
const MAX_HEADER_BYTES = 4096;

const fields = new DocumentFields(
  'RESULT_INVALID',
  'sealed outputs archive',
  'The provider published outputs that do not follow the Orange Cloud protocol.',
);

export function encodeSealedOutputs(box: SealedBox): Uint8Array {
  const header: SealedOutputsHeader = {
    version: 1,
    kind: 'orange-cloud/sealed-outputs',
    capsule: Buffer.from(box.capsule).toString('base64'),
  };
  const line = new TextEncoder().encode(`${canonicalJson(header)}\n`);
  const out = new Uint8Array(line.length + box.ciphertext.length);
  out.set(line, 0);
  out.set(box.ciphertext, line.length);
  return out;
}

/** Parses the stored form back into the box `openAsRequester` takes. */
export function parseSealedOutputs(bytes: Uint8Array): SealedBox {
  if (bytes.length > MAX_SEALED_OUTPUTS_BYTES)
    throw fields.fail('', `is larger than ${MAX_SEALED_OUTPUTS_BYTES} bytes`);
  const end = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(NEWLINE);
  if (end < 0) throw fields.fail('', 'has no header line');
  const root = fields.object(fields.parseJson(bytes.subarray(0, end)), '', [
    'version',
    'kind',
    'capsule',
  ]);
  fields.literal(root, 'version', 1);
  fields.literal(root, 'kind', 'orange-cloud/sealed-outputs');
  return {
    capsule: fields.base64(root, 'capsule', 1024),
    ciphertext: bytes.slice(end + 1),
  };
}
