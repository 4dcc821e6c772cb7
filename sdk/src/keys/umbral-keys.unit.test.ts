import assert from 'node:assert/strict';
import { generateMnemonic, walletFromSecret } from './mnemonic.js';
import {
  freeJobKeys,
  isJobKeyLabel,
  jobKeys,
  newJobKeyLabel,
  providerKeys,
  publicKeyFromHex,
  publicKeyToHex,
} from './umbral-keys.js';

describe('Umbral keys', () => {
  const master = walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret;

  it('makes fresh job labels of the form job/<32 hex>', () => {
    const a = newJobKeyLabel();
    assert.match(a, /^job\/[0-9a-f]{32}$/);
    assert.notEqual(a, newJobKeyLabel());
    assert.ok(isJobKeyLabel(a));
  });

  it('derives the same job keys for the same label and different ones per label', () => {
    const label = newJobKeyLabel();
    const first = jobKeys(master, label);
    const again = jobKeys(master, label);
    const other = jobKeys(master, newJobKeyLabel());
    assert.equal(publicKeyToHex(again.publicKey), publicKeyToHex(first.publicKey));
    assert.equal(publicKeyToHex(again.verifyingKey), publicKeyToHex(first.verifyingKey));
    assert.deepEqual(again.secretKey.toBEBytes(), first.secretKey.toBEBytes());
    assert.notEqual(publicKeyToHex(other.publicKey), publicKeyToHex(first.publicKey));
    assert.notEqual(publicKeyToHex(other.verifyingKey), publicKeyToHex(first.verifyingKey));
    // The signing key is not the delegating key.
    assert.notEqual(publicKeyToHex(first.verifyingKey), publicKeyToHex(first.publicKey));
    for (const keys of [first, again, other]) freeJobKeys(keys);
  });

  it('derives job keys per wallet: another master secret gives other keys for the same label', () => {
    const label = newJobKeyLabel();
    const otherMaster = walletFromSecret({ mnemonic: generateMnemonic() }).umbralMasterSecret;
    assert.notEqual(
      publicKeyToHex(jobKeys(master, label).publicKey),
      publicKeyToHex(jobKeys(otherMaster, label).publicKey),
    );
  });

  it('derives a stable provider key that is no job key', () => {
    const provider = providerKeys(master);
    assert.equal(
      publicKeyToHex(providerKeys(master).publicKey),
      publicKeyToHex(provider.publicKey),
    );
    assert.notEqual(
      publicKeyToHex(jobKeys(master, 'receiving').publicKey),
      publicKeyToHex(provider.publicKey),
    );
  });

  it('round-trips public keys through compressed hex, with or without 0x', () => {
    const hex = publicKeyToHex(providerKeys(master).publicKey);
    assert.match(hex, /^0[23][0-9a-f]{64}$/);
    assert.equal(publicKeyToHex(publicKeyFromHex(hex)), hex);
    assert.equal(publicKeyToHex(publicKeyFromHex(`0x${hex}`)), hex);
  });

  it('rejects malformed public keys with INVALID_PUBLIC_KEY', () => {
    const hex = publicKeyToHex(providerKeys(master).publicKey);
    // 02 followed by x = p (the field prime) is well formed but not a point.
    const notOnCurve = `02${'f'.repeat(56)}fffffc2f`;
    for (const bad of [
      '',
      hex.slice(2),
      `04${hex.slice(2)}`,
      `${hex}00`,
      'zz'.repeat(33),
      notOnCurve,
    ]) {
      assert.throws(
        () => publicKeyFromHex(bad),
        { name: 'OrangeError', code: 'INVALID_PUBLIC_KEY' },
        bad,
      );
    }
  });

  it('rejects empty, spaced or overlong labels and a master secret of the wrong size', () => {
    for (const label of ['', 'job 1', 'x'.repeat(129)]) {
      assert.throws(() => jobKeys(master, label), { code: 'INVALID_KEY_LABEL' });
    }
    assert.throws(() => jobKeys(master.subarray(0, 16), newJobKeyLabel()), {
      code: 'INVALID_MASTER_SECRET',
    });
    assert.throws(() => providerKeys(new Uint8Array(33)), { code: 'INVALID_MASTER_SECRET' });
  });
});
