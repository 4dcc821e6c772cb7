import assert from 'node:assert/strict';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import {
  jobKeys,
  newJobKeyLabel,
  providerKeys,
  type JobKeys,
  type ProviderKeys,
} from '../keys/umbral-keys.js';
import { grantKeyFrag, openAsProvider, sealPayload } from './envelope.js';

const secretScript = new TextEncoder().encode('print("the secret sauce")\n');

function newMaster(): Uint8Array {
  return walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret;
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('job envelope (real Umbral)', () => {
  const requester = newMaster();
  const provider: ProviderKeys = providerKeys(newMaster());
  const otherProvider: ProviderKeys = providerKeys(newMaster());
  let keys: JobKeys;
  let sealed: { capsule: Uint8Array; ciphertext: Uint8Array };
  let kfrag: Uint8Array;

  const open = (overrides: Partial<Parameters<typeof openAsProvider>[0]> = {}) =>
    openAsProvider({
      ...sealed,
      kfrag,
      providerSecretKey: provider.secretKey,
      delegatingPublicKey: keys.publicKey,
      verifyingPublicKey: keys.verifyingKey,
      ...overrides,
    });

  beforeEach(() => {
    keys = jobKeys(requester, newJobKeyLabel());
    sealed = sealPayload(secretScript, keys);
    kfrag = grantKeyFrag(keys, provider.publicKey);
  });

  it('seals, grants and opens as the granted provider', () => {
    assert.ok(!Buffer.from(sealed.ciphertext).includes('secret sauce'));
    assert.deepEqual(open(), secretScript);
    // The same kfrag bytes open again: nothing was consumed by the first open.
    assert.deepEqual(open(), secretScript);
  });

  it('opens with keys re-derived from the label alone (the requester restarts between post and grant)', () => {
    const again = jobKeys(requester, keys.label);
    assert.deepEqual(open({ kfrag: grantKeyFrag(again, provider.publicKey) }), secretScript);
  });

  it('seals an empty and a large payload', () => {
    for (const plaintext of [new Uint8Array(0), new Uint8Array(3 * 1024 * 1024).fill(7)]) {
      sealed = sealPayload(plaintext, keys);
      assert.deepEqual(open(), plaintext);
    }
  });

  it("keeps a second provider out with the first provider's kfrag (KEYFRAG_INVALID)", () => {
    assert.throws(() => open({ providerSecretKey: otherProvider.secretKey }), {
      name: 'OrangeError',
      code: 'KEYFRAG_INVALID',
    });
  });

  it('keeps a provider out with a kfrag for it from another job key (KEYFRAG_INVALID)', () => {
    const otherJob = jobKeys(requester, newJobKeyLabel());
    const kfragFromOtherJob = grantKeyFrag(otherJob, otherProvider.publicKey);
    assert.throws(
      () => open({ kfrag: kfragFromOtherJob, providerSecretKey: otherProvider.secretKey }),
      {
        code: 'KEYFRAG_INVALID',
      },
    );
    // Even when it also claims the other job's public keys, the capsule is not that job's.
    assert.throws(
      () =>
        open({
          kfrag: kfragFromOtherJob,
          providerSecretKey: otherProvider.secretKey,
          delegatingPublicKey: otherJob.publicKey,
          verifyingPublicKey: otherJob.verifyingKey,
        }),
      { name: 'OrangeError', code: 'DECRYPT_FAILED' },
    );
  });

  it("rejects a kfrag signed by someone other than the job's verifying key (KEYFRAG_INVALID)", () => {
    const forger = jobKeys(newMaster(), newJobKeyLabel());
    assert.throws(() => open({ verifyingPublicKey: forger.verifyingKey }), {
      code: 'KEYFRAG_INVALID',
    });
  });

  // Every single-bit change anywhere is caught, with the error naming the damaged part.
  const everyBitFlip = (
    bytes: Uint8Array,
    field: 'kfrag' | 'ciphertext' | 'capsule',
    code: string,
  ) => {
    for (let index = 0; index < bytes.length; index++) {
      assert.throws(
        () => open({ [field]: flip(bytes, index) }),
        { name: 'OrangeError', code },
        `${field} byte ${index}`,
      );
    }
  };

  it('rejects damaged or garbage kfrag bytes (KEYFRAG_INVALID)', () => {
    everyBitFlip(kfrag, 'kfrag', 'KEYFRAG_INVALID');
    assert.throws(() => open({ kfrag: new Uint8Array(10) }), { code: 'KEYFRAG_INVALID' });
  });

  it('detects a tampered ciphertext (DECRYPT_FAILED)', () => {
    everyBitFlip(sealed.ciphertext, 'ciphertext', 'DECRYPT_FAILED');
    assert.throws(() => open({ ciphertext: sealed.ciphertext.subarray(0, 10) }), {
      code: 'DECRYPT_FAILED',
    });
  });

  it('detects a tampered or foreign capsule (DECRYPT_FAILED)', () => {
    everyBitFlip(sealed.capsule, 'capsule', 'DECRYPT_FAILED');
    const foreign = sealPayload(secretScript, keys).capsule;
    assert.throws(() => open({ capsule: foreign }), { code: 'DECRYPT_FAILED' });
    assert.throws(() => open({ capsule: new Uint8Array(0) }), { code: 'DECRYPT_FAILED' });
  });
});
