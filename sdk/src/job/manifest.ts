import { CID } from 'multiformats/cid';
import { isAddress, type Address, type Hex, type LocalAccount } from 'viem';
import { OrangeError } from '../errors.js';
import { isJobKeyLabel } from '../keys/umbral-keys.js';
import { DocumentFields, canonicalJson } from './document-fields.js';
import { documentSigner, signDocument } from './document-signature.js';
import { isEntrypointPath } from './paths.js';

/**
 * The one hire a manifest is for: the chain and market, the provider hired and the nonce of the
 * offer it was hired with. A market never accepts an offer nonce twice, so a manifest bound to
 * one is good for one job only.
 */
export interface ManifestBinding {
  chainId: number;
  market: Address;
  provider: Address;
  offerNonce: bigint;
}

/**
 * What a provider needs to take and open a job, stored in clear on IPFS: nothing in it is
 * secret. In memory the capsule is bytes; on the wire it is base64. The requester signs it
 * (market v2), bound to the hire it is for: a copy posted by anyone else, or with another
 * offer, is refused by the provider.
 */
export interface JobManifest {
  version: 2;
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
  binding: ManifestBinding;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** The requester's EIP-191 signature over `manifestDigest` of everything above. */
  signature: Hex;
}

export type ManifestInput = Omit<JobManifest, 'version' | 'kind' | 'createdAt' | 'signature'> & {
  createdAt?: string;
};

/** What the signature covers is prefixed with this: it signs a v2 manifest, nothing else. */
export const MANIFEST_SIGNATURE_PREFIX = 'orange-cloud/manifest/v2\n';

/** The largest manifest anyone reads (a manifest is a few kilobytes). */
export const MAX_MANIFEST_BYTES = 64 * 1024;
const MAX_CAPSULE_BYTES = 1024;
const PUBLIC_KEY_HEX = /^0[23][0-9a-f]{64}$/;
const RUNTIME = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const UINT64 = /^(0|[1-9][0-9]{0,19})$/;
const SIGNATURE = /^0x[0-9a-f]{130}$/;

const fields = new DocumentFields(
  'MANIFEST_INVALID',
  'job manifest',
  'The job was posted by a client that does not follow the Orange Cloud protocol; it cannot run.',
);

/**
 * A v2 manifest stamped with the current time and signed by `account` (the requester it names);
 * validated like a parsed one.
 */
export async function buildManifest(
  account: LocalAccount,
  input: ManifestInput,
): Promise<JobManifest> {
  const unsigned = {
    version: 2 as const,
    kind: 'orange-cloud/job' as const,
    ...input,
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  const signature = await signDocument(account, MANIFEST_SIGNATURE_PREFIX, wireOf(unsigned));
  return parseManifest(encodeManifest({ ...unsigned, signature }));
}

/** The JSON form: the capsule in base64, the nonce in decimal; the signature when there is one. */
function wireOf(manifest: Omit<JobManifest, 'signature'> & { signature?: Hex }) {
  return {
    ...manifest,
    payload: {
      ...manifest.payload,
      capsule: Buffer.from(manifest.payload.capsule).toString('base64'),
    },
    binding: { ...manifest.binding, offerNonce: manifest.binding.offerNonce.toString() },
  };
}

/** Canonical JSON (sorted keys, no whitespace), UTF-8. */
export function encodeManifest(manifest: JobManifest): Uint8Array {
  return new TextEncoder().encode(canonicalJson(wireOf(manifest)));
}

/** Who signed the manifest (throws MANIFEST_INVALID when the signature is malformed). */
export async function manifestSigner(manifest: JobManifest): Promise<Address> {
  const { signature, ...unsigned } = manifest;
  const signer = await documentSigner(MANIFEST_SIGNATURE_PREFIX, wireOf(unsigned), signature);
  if (!signer) throw fields.fail('signature', 'is no valid signature');
  return signer;
}

/** The job a provider was hired for, as the chain shows it: what its manifest must be bound to. */
export interface HiredJob {
  chainId: number;
  market: Address;
  /** The job's requester on chain. */
  requester: Address;
  /** The provider hired (the one checking). */
  provider: Address;
  offerNonce: bigint;
}

/**
 * The provider's check before it opens a job: the manifest is signed by the job's requester on
 * chain and bound to exactly this hire (chain, market, provider, offer nonce). A manifest copied
 * from another job, posted by someone else or with another offer, fails here with
 * MANIFEST_NOT_BOUND: the provider refuses it on chain and never opens the payload.
 */
export async function verifyManifest(manifest: JobManifest, job: HiredJob): Promise<void> {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const refuse = (what: string) =>
    new OrangeError('MANIFEST_NOT_BOUND', `The job's manifest ${what}; it is not run.`, {
      hint: 'A manifest is good for the one hire its requester signed it for: a copied or altered one never runs.',
    });
  if (!same(manifest.requester, job.requester))
    throw refuse(`names ${manifest.requester} as requester, not the job's ${job.requester}`);
  const signer = await manifestSigner(manifest);
  if (!same(signer, job.requester))
    throw refuse(`is signed by ${signer}, not by the job's requester ${job.requester}`);
  const b = manifest.binding;
  if (b.chainId !== job.chainId || !same(b.market, job.market))
    throw refuse(`is bound to market ${b.market} on chain ${b.chainId}, not this one`);
  if (!same(b.provider, job.provider)) throw refuse(`is bound to provider ${b.provider}`);
  if (b.offerNonce !== job.offerNonce)
    throw refuse(`is bound to offer ${b.offerNonce}, not the job's offer ${job.offerNonce}`);
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
    'binding',
    'createdAt',
    'signature',
  ]);
  fields.literal(root, 'version', 2);
  fields.literal(root, 'kind', 'orange-cloud/job');
  const runtime = fields.string(root, 'runtime', RUNTIME, 'a runtime name such as "python3"');
  const entrypoint = fields.string(root, 'entrypoint');
  if (!isEntrypointPath(entrypoint))
    throw fields.fail(
      'entrypoint',
      'must be the relative path of a file a runtime runs (dir/name.py, .js, .wasm, ...)',
    );

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
  const binding = fields.object(root.binding, 'binding', [
    'chainId',
    'market',
    'provider',
    'offerNonce',
  ]);
  const market = fields.string(binding, 'binding.market');
  if (!isAddress(market)) throw fields.fail('binding.market', 'must be a 0x address');
  const provider = fields.string(binding, 'binding.provider');
  if (!isAddress(provider)) throw fields.fail('binding.provider', 'must be a 0x address');
  const offerNonce = fields.string(binding, 'binding.offerNonce', UINT64, 'a decimal uint64');
  if (BigInt(offerNonce) >= 2n ** 64n) throw fields.fail('binding.offerNonce', 'must be a uint64');
  const signature = fields.string(root, 'signature', SIGNATURE, '65 bytes of 0x hex');
  return {
    version: 2,
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
    binding: {
      chainId: fields.number(binding, 'binding.chainId', 1, Number.MAX_SAFE_INTEGER),
      market,
      provider,
      offerNonce: BigInt(offerNonce),
    },
    createdAt: fields.timestamp(root, 'createdAt'),
    signature: signature as Hex,
  };
}
