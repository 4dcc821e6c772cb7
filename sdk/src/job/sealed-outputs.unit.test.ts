import assert from 'node:assert/strict';
import { openAsRequester, sealForRequester } from '../crypto/result-box.js';
import { generateMnemonic, walletFromSecret } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel } from '../keys/umbral-keys.js';
import { encodeSealedOutputs, parseSealedOutputs } from './sealed-outputs.js';

describe('sealed outputs archive', () => {
  const master = walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret;
  const keys = jobKeys(master, newJobKeyLabel());
  const archive = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
  const encoder = new TextEncoder();

  it('round-trips through its stored form and opens with the job keys', () => {
    const stored = encodeSealedOutputs(sealForRequester(keys.publicKey, archive));
    const header = new TextDecoder().decode(stored.subarray(0, stored.indexOf(0x0a)));
    assert.match(
      header,
      /^\{"capsule":"[A-Za-z0-9+/=]+","kind":"orange-cloud\/sealed-outputs","version":1\}$/,
    );
    assert.deepEqual(openAsRequester(keys, parseSealedOutputs(stored)), archive);
  });

  it('stores the ciphertext raw: a third smaller than base64 in JSON would be', () => {
    const box = sealForRequester(keys.publicKey, archive);
    assert.ok(encodeSealedOutputs(box).length < box.ciphertext.length + 400);
  });

  it('refuses what is not a sealed outputs archive (RESULT_INVALID)', () => {
    const cases: [Uint8Array, RegExp][] = [
      [encoder.encode('no header line at all'), /no header line/],
      [
        encoder.encode('{"version":1,"kind":"orange-cloud/sealed-result","capsule":"AA=="}\nx'),
        /kind/,
      ],
      [
        encoder.encode('{"version":2,"kind":"orange-cloud/sealed-outputs","capsule":"AA=="}\nx'),
        /version/,
      ],
      [encoder.encode('{"version":1,"kind":"orange-cloud/sealed-outputs"}\nx'), /capsule/],
      [encoder.encode('not json\nx'), /JSON/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => parseSealedOutputs(bytes), { code: 'RESULT_INVALID', message });
    }
  });
});
