import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { OrangeError, generateMnemonic, walletFromSecret } from '@orange-cloud/sdk';
import { FakeSecretStorage } from '../test/fakes/secret-storage.js';
import { WalletStore } from './wallet-store.js';

const storeWith = () => {
  const secrets = new FakeSecretStorage();
  return { secrets, wallet: new WalletStore(secrets as unknown as vscode.SecretStorage) };
};

describe('WalletStore', () => {
  it('has no wallet at first and says so with NO_WALLET', async () => {
    const { wallet } = storeWith();
    assert.equal(await wallet.read(), undefined);
    assert.equal(await wallet.address(), undefined);
    await assert.rejects(
      wallet.require(),
      (e: unknown) => e instanceof OrangeError && e.code === 'NO_WALLET',
    );
  });

  it('stores a mnemonic and derives its address', async () => {
    const { wallet } = storeWith();
    const mnemonic = generateMnemonic();
    const address = await wallet.write({ mnemonic });
    assert.equal(address, walletFromSecret({ mnemonic }).account.address);
    assert.deepEqual(await wallet.require(), { mnemonic });
    assert.equal(await wallet.address(), address);
  });

  it('stores a private key', async () => {
    const { wallet } = storeWith();
    const privateKey = `0x${'11'.repeat(32)}` as const;
    await wallet.write({ privateKey });
    assert.deepEqual(await wallet.read(), { privateKey });
  });

  it('refuses to store something that is no wallet', async () => {
    const { wallet, secrets } = storeWith();
    await assert.rejects(
      wallet.write({ mnemonic: 'not twelve words' }),
      (e: unknown) => e instanceof OrangeError,
    );
    assert.equal(secrets.values.size, 0);
  });

  it('reports a corrupt stored value with a way out', async () => {
    const { wallet, secrets } = storeWith();
    await secrets.store('orangeCloud.wallet', '{"mnemonic": "nope"}');
    await assert.rejects(
      wallet.read(),
      (e: unknown) =>
        e instanceof OrangeError && e.code === 'WALLET_CORRUPT' && /Forget/.test(e.hint ?? ''),
    );
    assert.equal(await wallet.address(), undefined);
  });

  it('forgets, and tells listeners about changes to its key only', async () => {
    const { wallet, secrets } = storeWith();
    let changes = 0;
    wallet.onDidChange(() => changes++);
    await wallet.write({ mnemonic: generateMnemonic() });
    await secrets.store('something.else', 'x');
    await wallet.forget();
    assert.equal(changes, 2);
    assert.equal(await wallet.read(), undefined);
  });
});
