import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, homePaths, writeKeystore } from '@orange-cloud/sdk';
import { keystoreFor } from './wallet-scope.js';

describe('which wallet a network uses', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'orange-wallet-scope-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));
  const demo = () =>
    writeKeystore(homePaths(home).devnetWallet, { mnemonic: generateMnemonic() }, '');
  const own = (passphrase: string) =>
    writeKeystore(homePaths(home).wallet, { mnemonic: generateMnemonic() }, passphrase);

  it("uses the devnet's demo wallet on the devnet only; elsewhere NO_WALLET says why", async () => {
    await demo();
    assert.equal(await keystoreFor(home, 'devnet'), homePaths(home).devnetWallet);
    await assert.rejects(keystoreFor(home, 'base-sepolia'), {
      code: 'NO_WALLET',
      message: /No wallet for base-sepolia: the devnet's demo wallet is kept to the devnet/,
    });
  });

  it("prefers the user's own wallet, on the devnet too", async () => {
    await demo();
    await own('a passphrase');
    assert.equal(await keystoreFor(home, 'devnet'), homePaths(home).wallet);
    assert.equal(await keystoreFor(home, 'base-sepolia'), homePaths(home).wallet);
  });

  it('refuses a wallet without a passphrase off the devnet (WALLET_DEVNET_ONLY), with the fix', async () => {
    // What earlier releases left: the demo wallet in the user's wallet's place.
    await own('');
    assert.equal(await keystoreFor(home, 'devnet'), homePaths(home).wallet);
    await assert.rejects(keystoreFor(home, 'base-sepolia'), (error: unknown) => {
      const e = error as { code: string; message: string; hint: string };
      assert.equal(e.code, 'WALLET_DEVNET_ONLY');
      assert.match(
        e.message,
        /has no passphrase: it is used on the devnet only, not on base-sepolia/,
      );
      assert.match(e.hint, /orange wallet create --force.*orange wallet import --force/);
      return true;
    });
  });

  it('says NO_WALLET with the commands to run when there is none at all', async () => {
    for (const network of ['devnet', 'base-sepolia']) {
      await assert.rejects(keystoreFor(home, network), {
        code: 'NO_WALLET',
        message: /No wallet found at/,
      });
    }
  });
});
