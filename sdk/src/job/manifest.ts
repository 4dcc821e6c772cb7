import { CID } from 'multiformats/cid';
import { isAddress, type Address } from 'viem';
import { isJobKeyLabel } from '../keys/umbral-keys.js';
import { DocumentFields, canonicalJson } from './document-fields.js';
import { isEntrypointPath } from './paths.js';

/**
 * What a provider needs to take and open a job, stored in clear on IPFS: nothing in it is
 * secret. In memory the capsule is bytes; on the wire it is base64.
 */
export interface JobManifest {
  version: 1;
  kind: 'orange-cloud/job';
  runtime: string;
  entrypoint: string;
  payload: {
    /** CID of the Umbral ciphertext of the packed payload. */
    cid: string;
    capsule: Uint8Array;
    /** Ciphertext length in bytes, so a provider can bound its fetch. */
    bytes: number;
  };
  keys: {
    /** Lets the requester derive this job's keys again from its wallet. */
    label: string;
    /** Compressed hex: the job public key (payload and result are sealed to it). */
    delegatingPublicKey: string;
    /** Compressed hex: checks the signature on the kfrag. */
    verifyingPublicKey: string;
  };
  requester: Address;
  limits: { cores: number; memoryMb: number; timeoutSec: number };
  /** ISO-8601 UTC. */
  createdAt: string;
}

export type ManifestInput = Omit<JobManifest, 'version' | 'kind' | 'createdAt'> & {
  createdAt?: string;
};

const MAX_MANIFEST_BYTES = 64 * 1024;
const MAX_CAPSULE_BYTES = 1024;
const PUBLIC_KEY_HEX = /^0[23][0-9a-f]{64}$/;
const RUNTIME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

const fields = new DocumentFields(
  'MANIFEST_INVALID',
  'job manifest',
  'The job was posted by a client that does not follow the Orange Cloud protocol; it cannot run.',
);

/** A v1 manifest stamped with the current time; validated like a parsed one. */
export function buildManifest(input: ManifestInput): JobManifest {
  const manifest: JobManifest = {
    version: 1,
    kind: 'orange-cloud/job',
    ...input,
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  return parseManifest(encodeManifest(manifest));
}

/** Canonical JSON (sorted keys, no whitespace), UTF-8. */
export function encodeManifest(manifest: JobManifest): Uint8Array {
  const wire = {
    ...manifest,
    payload: {
      ...manifest.payload,
      capsule: Buffer.from(manifest.payload.capsule).toString('base64'),
    },
  };
  return new TextEncoder().encode(canonicalJson(wire));
}

/** Parses a manifest; every field is checked and an error names the first bad one. */
export function parseManifest(bytes: Uint8Array): JobManifest {
  if (bytes.length > MAX_MANIFEST_BYTES)
    throw fields.fail('', `is larger than ${MAX_MANIFEST_BYTES} bytes`);
  const root = fields.object(fields.parseJson(bytes), '', [
    'version',
    'kind',
    'runtime',
    'entrypoint',
    'payload',
    'keys',
    'requester',
    'limits',
    'createdAt',
  ]);
  fields.literal(root, 'version', 1);
  fields.literal(root, 'kind', 'orange-cloud/job');
  const runtime = fields.string(root, 'runtime', RUNTIME, 'a runtime name such as "python3"');
  const entrypoint = fields.string(root, 'entrypoint');
  if (!isEntrypointPath(entrypoint))
    throw fields.fail('entrypoint', 'must be the relative path of a Python file (dir/name.py)');

  const payload = fields.object(root.payload, 'payload', ['cid', 'capsule', 'bytes']);
  const cid = fields.string(payload, 'payload.cid');
  try {
    CID.parse(cid);
  } catch (error) {
    throw fields.fail('payload.cid', 'must be a CID', error);
  }
  const capsule = fields.base64(payload, 'payload.capsule', MAX_CAPSULE_BYTES);
  const size = fields.number(payload, 'payload.bytes', 1, Number.MAX_SAFE_INTEGER);

  const keys = fields.object(root.keys, 'keys', [
    'label',
    'delegatingPublicKey',
    'verifyingPublicKey',
  ]);
  const label = fields.string(keys, 'keys.label');
  if (!isJobKeyLabel(label))
    throw fields.fail('keys.label', 'must be 1 to 128 printable ASCII characters');
  const hexKey = 'a compressed public key in lower-case hex (66 digits)';
  const delegatingPublicKey = fields.string(
    keys,
    'keys.delegatingPublicKey',
    PUBLIC_KEY_HEX,
    hexKey,
  );
  const verifyingPublicKey = fields.string(keys, 'keys.verifyingPublicKey', PUBLIC_KEY_HEX, hexKey);

  const requester = fields.string(root, 'requester');
  if (!isAddress(requester)) throw fields.fail('requester', 'must be a 0x address');

  const limits = fields.object(root.limits, 'limits', ['cores', 'memoryMb', 'timeoutSec']);
  return {
    version: 1,
    kind: 'orange-cloud/job',
    runtime,
    entrypoint,
    payload: { cid, capsule, bytes: size },
    keys: { label, delegatingPublicKey, verifyingPublicKey },
    requester,
    limits: {
      cores: fields.number(limits, 'limits.cores', 1, 1024),
      memoryMb: fields.number(limits, 'limits.memoryMb', 1, 1024 * 1024),
      timeoutSec: fields.number(limits, 'limits.timeoutSec', 1, 7 * 24 * 3600),
    },
    createdAt: fields.timestamp(root, 'createdAt'),
  };
}
