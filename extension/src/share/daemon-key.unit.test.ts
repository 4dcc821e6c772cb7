import * as assert from 'node:assert/strict';
import { generateMnemonic, walletFromSecret } from '@orange-cloud/sdk';
import { FakeSecretStorage } from '../test/fakes/secret-storage.js';
import { ProviderKeyStore, deriveProviderSecret } from './daemon-key.js';

describe('provider daemon key', () => {
  const mnemonic = generateMnemonic();

  it('derives the same key from the same wallet, never the wallet key itself', () => {
    const first = deriveProviderSecret({ mnemonic });
    assert.deepEqual(deriveProviderSecret({ mnemonic: `  ${mnemonic.toUpperCase()} ` }), first);
    const provider = walletFromSecret(first).account.address;
    assert.notEqual(provider, walletFromSecret({ mnemonic }).account.address);
    const key = `0x${'11'.repeat(32)}` as const;
    const fromKey = deriveProviderSecret({ privateKey: key });
    assert.notEqual(fromKey.privateKey, key);
    assert.notEqual(fromKey.privateKey, first.privateKey);
  });

  it('keeps the derived key and the keystore passphrase in secret storage', async () => {
    const secrets = new FakeSecretStorage();
    const keys = new ProviderKeyStore(secrets);
    let asked = 0;
    const wallet = async () => (asked++, { mnemonic });
    const secret = await keys.secret(wallet);
    assert.deepEqual(secret, deriveProviderSecret({ mnemonic }));
    assert.deepEqual(await keys.secret(wallet), secret);
    assert.equal(asked, 1, 'the wallet is read once; after that the stored key is used');
    const passphrase = await keys.passphrase(() => 'random-1');
    assert.equal(await keys.passphrase(() => 'random-2'), passphrase);
    assert.deepEqual([...secrets.values.keys()].sort(), [
      'orangeCloud.share.keystorePassphrase',
      'orangeCloud.share.providerKey',
    ]);
  });

  it('uses an imported key instead of the derived one', async () => {
    const keys = new ProviderKeyStore(new FakeSecretStorage());
    const imported = { privateKey: `0x${'22'.repeat(32)}` as const };
    const address = await keys.import(imported);
    assert.equal(address, walletFromSecret(imported).account.address);
    assert.deepEqual(
      await keys.secret(async () => assert.fail('the wallet is not needed')),
      imported,
    );
  });

  it('reports a corrupt stored key with a way out', async () => {
    const secrets = new FakeSecretStorage();
    await secrets.store('orangeCloud.share.providerKey', 'not json');
    await assert.rejects(
      new ProviderKeyStore(secrets).secret(async () => ({ mnemonic })),
      {
        code: 'WALLET_CORRUPT',
      },
    );
  });
});
