import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, writeKeystore } from '@orange-cloud/sdk';
import { unlockProviderKeystore } from './provider-keystore.js';

describe('the provider keystore at start', () => {
  let dir: string;
  const mnemonic = generateMnemonic();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-pk-'));
    // an empty passphrase keeps scrypt cheap; "wrong" is then any non-empty one
    await writeKeystore(join(dir, 'wallet.json'), { mnemonic }, '');
    await writeFile(join(dir, 'garbage.json'), 'not a keystore');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const config = (keystore: string) => ({ keystore: join(dir, keystore), passphraseEnv: 'PP' });
  const refused = (name: string, env: NodeJS.ProcessEnv, message: RegExp) =>
    assert.rejects(
      unlockProviderKeystore(config(name), env),
      (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && message.test(e.message),
    );

  it('opens with the passphrase from the variable the config names', async () => {
    assert.deepEqual(await unlockProviderKeystore(config('wallet.json'), {}), { mnemonic });
  });

  it('refuses a missing, garbage or wrongly unlocked keystore, naming the field', async () => {
    await refused(
      'missing.json',
      {},
      /^Provider config: keystore .*missing\.json does not exist\.$/,
    );
    await refused(
      'wallet.json',
      { PP: 'guess' },
      /keystore .*wallet\.json does not open with the passphrase in PP/,
    );
    await refused(
      'garbage.json',
      {},
      /keystore cannot be used: The wallet keystore .* is damaged: it is not JSON\.$/,
    );
  });
});
