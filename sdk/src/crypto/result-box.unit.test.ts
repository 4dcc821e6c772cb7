import assert from 'node:assert/strict';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel, publicKeyFromHex, publicKeyToHex } from '../keys/umbral-keys.js';
import { openAsRequester, sealForRequester } from './result-box.js';

describe('result box (real Umbral)', () => {
  const master = walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret;
  const keys = jobKeys(master, newJobKeyLabel());
  const output = new TextEncoder().encode('{"stdout":"42\\n"}');

  it('seals to the job public key from the manifest and opens with the job keys', () => {
    const box = sealForRequester(publicKeyFromHex(publicKeyToHex(keys.publicKey)), output);
    assert.deepEqual(openAsRequester(keys, box), output);
    assert.deepEqual(openAsRequester(jobKeys(master, keys.label), box), output);
  });

  it("does not open with another job's keys (DECRYPT_FAILED)", () => {
    const box = sealForRequester(keys.publicKey, output);
    assert.throws(() => openAsRequester(jobKeys(master, newJobKeyLabel()), box), {
      name: 'OrangeError',
      code: 'DECRYPT_FAILED',
      message: /job result/,
    });
  });

  it('detects tampering with the ciphertext or the capsule (DECRYPT_FAILED)', () => {
    const box = sealForRequester(keys.publicKey, output);
    const ciphertext = new Uint8Array(box.ciphertext);
    ciphertext[ciphertext.length - 1]! ^= 1;
    assert.throws(() => openAsRequester(keys, { ...box, ciphertext }), { code: 'DECRYPT_FAILED' });
    const capsule = new Uint8Array(box.capsule);
    capsule[40]! ^= 1;
    assert.throws(() => openAsRequester(keys, { ...box, capsule }), { code: 'DECRYPT_FAILED' });
    assert.throws(() => openAsRequester(keys, { ...box, capsule: new Uint8Array(3) }), {
      code: 'DECRYPT_FAILED',
    });
  });
});
