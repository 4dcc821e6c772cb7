import assert from 'node:assert/strict';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel, publicKeyToHex } from '../keys/umbral-keys.js';
import { sealPayload } from '../crypto/envelope.js';
import {
  buildManifest,
  encodeManifest,
  manifestSigner,
  parseManifest,
  verifyManifest,
  type HiredJob,
  type ManifestInput,
} from './manifest.js';

/** A copy of a JSON document with the field at the dotted `path` set (undefined drops it). */
function withField(document: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return copy;
}

const CID_V1 = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq';

describe('job manifest', () => {
  const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
  const keys = jobKeys(wallet.umbralMasterSecret, newJobKeyLabel());
  const sealed = sealPayload(new TextEncoder().encode('print(1)'), keys);
  const input: ManifestInput = {
    runtime: 'python3',
    entrypoint: 'main.py',
    payload: { cid: CID_V1, capsule: sealed.capsule, bytes: sealed.ciphertext.length },
    keys: {
      label: keys.label,
      delegatingPublicKey: publicKeyToHex(keys.publicKey),
      verifyingPublicKey: publicKeyToHex(keys.verifyingKey),
    },
    requester: wallet.account.address,
    limits: { cores: 2, memoryMb: 512, timeoutSec: 60 },
    binding: {
      chainId: 31337,
      market: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      provider: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      offerNonce: 7n,
    },
  };
  const build = () => buildManifest(wallet.account, input);
  const wire = async () => JSON.parse(new TextDecoder().decode(encodeManifest(await build())));
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const hire: HiredJob = { ...input.binding, requester: wallet.account.address };

  it('builds, encodes canonically and parses back to the same manifest', async () => {
    const manifest = await build();
    assert.equal(manifest.version, 2);
    assert.equal(manifest.kind, 'orange-cloud/job');
    assert.ok(Math.abs(Date.parse(manifest.createdAt) - Date.now()) < 60_000);
    const bytes = encodeManifest(manifest);
    assert.deepEqual(parseManifest(bytes), manifest);
    assert.deepEqual(
      encodeManifest(parseManifest(bytes)),
      bytes,
      'canonical: re-encoding gives the same bytes',
    );
    const text = new TextDecoder().decode(bytes);
    assert.ok(!/\s/.test(text), 'no whitespace');
    assert.equal(JSON.parse(text).payload.capsule, Buffer.from(sealed.capsule).toString('base64'));
    assert.ok(text.indexOf('"createdAt"') < text.indexOf('"entrypoint"'), 'keys sorted');
  });

  it('holds only public values: no secret key bytes, no plaintext', async () => {
    const text = new TextDecoder().decode(encodeManifest(await build()));
    for (const secret of [keys.secretKey.toBEBytes(), wallet.umbralMasterSecret]) {
      assert.ok(!text.includes(Buffer.from(secret).toString('hex')));
      assert.ok(!text.includes(Buffer.from(secret).toString('base64')));
    }
    assert.ok(!text.includes('print(1)'));
  });

  const cases: [string, string, unknown, RegExp][] = [
    ['version', 'version', 1, /field "version" must be 2/],
    ['kind', 'kind', 'orange-cloud/result', /field "kind" must be "orange-cloud\/job"/],
    ['runtime', 'runtime', 'Python 3', /field "runtime" must be a runtime name/],
    [
      'entrypoint',
      'entrypoint',
      '../main.py',
      /field "entrypoint" must be the relative path of a file a runtime runs/,
    ],
    ['payload', 'payload', 'x', /field "payload" must be an object/],
    ['payload.cid', 'payload.cid', 'not-a-cid', /field "payload.cid" must be a CID/],
    ['payload.capsule', 'payload.capsule', 'not base64!', /field "payload.capsule" must be base64/],
    ['payload.bytes', 'payload.bytes', -1, /field "payload.bytes" must be an integer from 1/],
    ['keys.label', 'keys.label', 'has space', /field "keys.label" must be 1 to 128/],
    [
      'keys.delegatingPublicKey',
      'keys.delegatingPublicKey',
      '04ab',
      /field "keys.delegatingPublicKey" must be a compressed/,
    ],
    [
      'keys.verifyingPublicKey',
      'keys.verifyingPublicKey',
      undefined,
      /field "keys.verifyingPublicKey" is missing/,
    ],
    ['requester', 'requester', '0x1234', /field "requester" must be a 0x address/],
    ['limits.cores', 'limits.cores', 0, /field "limits.cores" must be an integer from 1 to 1024/],
    ['limits.memoryMb', 'limits.memoryMb', 1.5, /field "limits.memoryMb" must be an integer/],
    [
      'limits.timeoutSec',
      'limits.timeoutSec',
      '60',
      /field "limits.timeoutSec" must be an integer/,
    ],
    ['createdAt', 'createdAt', '2024-02-30T00:00:00.000Z', /field "createdAt" must be a real date/],
    ['binding', 'binding', undefined, /field "binding" is missing/],
    ['binding.market', 'binding.market', '0x12', /field "binding.market" must be a 0x address/],
    ['binding.provider', 'binding.provider', 5, /field "binding.provider" must be a string/],
    ['binding.offerNonce', 'binding.offerNonce', 7, /field "binding.offerNonce" must be a string/],
    [
      'binding.offerNonce (too large)',
      'binding.offerNonce',
      (2n ** 64n).toString(),
      /field "binding.offerNonce" must be a uint64/,
    ],
    ['binding.chainId', 'binding.chainId', 0, /field "binding.chainId" must be an integer/],
    ['signature', 'signature', '0x1234', /field "signature" must be 65 bytes/],
    ['an extra field', 'secretKey', 'ab', /field "secretKey" is not allowed/],
    ['an extra nested field', 'limits.gpus', 1, /field "limits.gpus" is not allowed/],
  ];
  for (const [name, path, value, message] of cases) {
    it(`rejects a bad ${name} with MANIFEST_INVALID naming the field`, async () => {
      const manifest = withField(await wire(), path, value);
      assert.throws(() => parseManifest(encode(manifest)), {
        name: 'OrangeError',
        code: 'MANIFEST_INVALID',
        message,
      });
    });
  }

  it('rejects bytes that are not JSON and oversized documents', () => {
    assert.throws(() => parseManifest(Uint8Array.from([0xff, 0xfe])), {
      code: 'MANIFEST_INVALID',
      message: /not UTF-8 JSON/,
    });
    assert.throws(() => parseManifest(new Uint8Array(65 * 1024).fill(0x20)), {
      code: 'MANIFEST_INVALID',
      message: /larger/,
    });
  });

  it('validates what buildManifest is given', async () => {
    await assert.rejects(
      buildManifest(wallet.account, { ...input, limits: { ...input.limits, cores: 0 } }),
      { code: 'MANIFEST_INVALID' },
    );
  });

  it('is signed by the requester over everything in it', async () => {
    const manifest = await build();
    assert.equal(await manifestSigner(manifest), wallet.account.address);
    await verifyManifest(manifest, hire);
    // Any changed field changes the signer: a manifest cannot be edited and still pass.
    const edited = parseManifest(encode(withField(await wire(), 'limits.timeoutSec', 61)));
    assert.notEqual(await manifestSigner(edited), wallet.account.address);
    await assert.rejects(verifyManifest(edited, hire), {
      code: 'MANIFEST_NOT_BOUND',
      message: /is signed by 0x[0-9a-fA-F]{40}, not by the job's requester/,
    });
  });

  const other = walletFromSecret({ mnemonic: generateMnemonic() }).account.address;
  const mismatches: [string, Partial<HiredJob>, RegExp][] = [
    ['another requester (a copy posted by a third party)', { requester: other }, /as requester/],
    ['another chain', { chainId: 1 }, /on chain 31337, not this one/],
    ['another market', { market: other }, /is bound to market/],
    ['another provider', { provider: other }, /is bound to provider/],
    ['another offer of the same provider', { offerNonce: 8n }, /bound to offer 7, not .* 8/],
  ];
  for (const [name, change, message] of mismatches) {
    it(`refuses a manifest for ${name} with MANIFEST_NOT_BOUND`, async () => {
      await assert.rejects(verifyManifest(await build(), { ...hire, ...change }), {
        code: 'MANIFEST_NOT_BOUND',
        message,
      });
    });
  }

  it('refuses a manifest that names the hirer as requester but is signed by the victim', async () => {
    // The replay: a third party copies the victim's manifest and puts itself in as requester.
    const copied = parseManifest(encode(withField(await wire(), 'requester', other)));
    await assert.rejects(verifyManifest(copied, { ...hire, requester: other }), {
      code: 'MANIFEST_NOT_BOUND',
      message: /is signed by .*, not by the job's requester/,
    });
  });
});
