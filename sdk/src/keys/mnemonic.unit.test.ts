import assert from 'node:assert/strict';
import { generateMnemonic, normalizeMnemonic, walletFromSecret } from './mnemonic.js';

const HARDHAT_MNEMONIC = 'test test test test test test test test test test test junk';
const HARDHAT_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

describe('mnemonic wallets', () => {
  it('generates 12 valid English words, different each time', () => {
    const a = generateMnemonic();
    const b = generateMnemonic();
    assert.equal(a.split(' ').length, 12);
    assert.equal(normalizeMnemonic(a), a);
    assert.notEqual(a, b);
  });

  it("derives the standard first account (m/44'/60'/0'/0/0) for the well-known test mnemonic", () => {
    const wallet = walletFromSecret({ mnemonic: HARDHAT_MNEMONIC });
    assert.equal(wallet.account.address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  });

  it('gives the same account and master secret every time, and different ones for another mnemonic', () => {
    const mnemonic = generateMnemonic();
    const first = walletFromSecret({ mnemonic });
    const again = walletFromSecret({
      mnemonic: `  ${mnemonic.toUpperCase().replaceAll(' ', '   ')} `,
    });
    assert.equal(again.account.address, first.account.address);
    assert.deepEqual(again.umbralMasterSecret, first.umbralMasterSecret);
    assert.equal(first.umbralMasterSecret.length, 32);

    const other = walletFromSecret({ mnemonic: generateMnemonic() });
    assert.notEqual(other.account.address, first.account.address);
    assert.notDeepEqual(other.umbralMasterSecret, first.umbralMasterSecret);
  });

  it('keeps the Umbral master secret apart from the EVM key', () => {
    const fromMnemonic = walletFromSecret({ mnemonic: HARDHAT_MNEMONIC });
    const fromKey = walletFromSecret({ privateKey: HARDHAT_KEY_0 });
    // Same EVM account, yet neither master secret equals the private key nor each other.
    assert.equal(fromKey.account.address, fromMnemonic.account.address);
    const key = Buffer.from(HARDHAT_KEY_0.slice(2), 'hex');
    assert.notDeepEqual(Buffer.from(fromKey.umbralMasterSecret), key);
    assert.notDeepEqual(Buffer.from(fromMnemonic.umbralMasterSecret), key);
    assert.notDeepEqual(fromKey.umbralMasterSecret, fromMnemonic.umbralMasterSecret);
    assert.deepEqual(
      walletFromSecret({ privateKey: HARDHAT_KEY_0 }).umbralMasterSecret,
      fromKey.umbralMasterSecret,
    );
  });

  it('normalizes spacing and case', () => {
    assert.equal(normalizeMnemonic(`\n ${HARDHAT_MNEMONIC.toUpperCase()}\t`), HARDHAT_MNEMONIC);
  });

  for (const [name, input, reason] of [
    ['an empty string', '', /0 words/],
    ['a wrong word count', 'test test test', /3 words/],
    ['a word outside the list', HARDHAT_MNEMONIC.replace('junk', 'junky'), /word 12 \("junky"\)/],
    ['a bad checksum', 'abandon '.repeat(12).trim(), /checksum/],
  ] as const) {
    it(`rejects ${name} with INVALID_MNEMONIC`, () => {
      assert.throws(() => normalizeMnemonic(input), {
        name: 'OrangeError',
        code: 'INVALID_MNEMONIC',
        message: reason,
      });
      assert.throws(() => walletFromSecret({ mnemonic: input }), { code: 'INVALID_MNEMONIC' });
    });
  }

  it('rejects malformed and out-of-range private keys with INVALID_PRIVATE_KEY', () => {
    for (const privateKey of [
      '0x1234',
      `0x${'0'.repeat(64)}`,
      `0x${'f'.repeat(64)}`,
      `0x${'g'.repeat(64)}`,
    ]) {
      assert.throws(() => walletFromSecret({ privateKey: privateKey as `0x${string}` }), {
        name: 'OrangeError',
        code: 'INVALID_PRIVATE_KEY',
      });
    }
  });
});
