import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keystoreExists, keystoreInfo, readKeystore, writeKeystore } from './keystore.js';
import { generateMnemonic } from './mnemonic.js';

const PRIVATE_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

describe('keystore', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-keystore-'));
    path = join(dir, 'home', 'wallet.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('round-trips a mnemonic under a passphrase, private files only, no secret in clear', async () => {
    const mnemonic = generateMnemonic();
    assert.equal(await keystoreExists(path), false);
    await writeKeystore(path, { mnemonic }, 'correct horse');
    assert.equal(await keystoreExists(path), true);
    assert.deepEqual(await readKeystore(path, 'correct horse'), { mnemonic });
    assert.deepEqual(await keystoreInfo(path), { protected: true });

    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'home'))).mode & 0o777, 0o700);
    const text = await readFile(path, 'utf8');
    assert.ok(!text.includes(mnemonic), 'the mnemonic is not stored in clear');
    const file = JSON.parse(text);
    assert.equal(file.version, 1);
    assert.equal(file.protected, true);
    assert.deepEqual(
      { name: file.kdf.name, N: file.kdf.N, r: file.kdf.r, p: file.kdf.p },
      { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 },
    );
    assert.equal(Buffer.from(file.cipher.tag, 'base64').length, 16);
    assert.deepEqual(
      await readdir(join(dir, 'home')),
      ['wallet.json'],
      'no temp file is left behind',
    );
  });

  it('round-trips a private key with an empty passphrase and marks the file unprotected', async () => {
    await writeKeystore(path, { privateKey: PRIVATE_KEY }, '');
    assert.deepEqual(await readKeystore(path, ''), { privateKey: PRIVATE_KEY });
    assert.deepEqual(await keystoreInfo(path), { protected: false });
    // An empty passphrase protects nothing at any cost: the cheap parameters keep it fast.
    assert.equal(JSON.parse(await readFile(path, 'utf8')).kdf.N, 2 ** 15);
  });

  it('opens a keystore written with the earlier parameters (N = 2^15), reading them from the file', async () => {
    const mnemonic = generateMnemonic();
    await writeLegacyKeystore(path, { mnemonic }, 'old pass');
    assert.deepEqual(await readKeystore(path, 'old pass'), { mnemonic });
    await assert.rejects(readKeystore(path, 'other'), { code: 'WRONG_PASSPHRASE' });
  });

  it('replaces an existing keystore atomically', async () => {
    await writeKeystore(path, { mnemonic: generateMnemonic() }, 'a');
    const mnemonic = generateMnemonic();
    await writeKeystore(path, { mnemonic }, 'b');
    assert.deepEqual(await readKeystore(path, 'b'), { mnemonic });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'home')), ['wallet.json']);
  });

  it('refuses to store an invalid secret', async () => {
    await assert.rejects(writeKeystore(path, { mnemonic: 'not a mnemonic' }, ''), {
      code: 'INVALID_MNEMONIC',
    });
    await assert.rejects(writeKeystore(path, { privateKey: '0x12' }, ''), {
      code: 'INVALID_PRIVATE_KEY',
    });
    assert.equal(await keystoreExists(path), false);
  });

  it('says WRONG_PASSPHRASE for a wrong or missing passphrase', async () => {
    await writeKeystore(path, { mnemonic: generateMnemonic() }, 'right');
    await assert.rejects(readKeystore(path, 'wrong'), {
      name: 'OrangeError',
      code: 'WRONG_PASSPHRASE',
    });
    await assert.rejects(readKeystore(path, ''), { code: 'WRONG_PASSPHRASE' });
  });

  it('says NO_WALLET with the commands to run when the file is missing', async () => {
    await assert.rejects(readKeystore(path, ''), (error: { code: string; hint: string }) => {
      assert.equal(error.code, 'NO_WALLET');
      assert.match(error.hint, /orange wallet create.*orange wallet import/);
      return true;
    });
    await assert.rejects(keystoreInfo(path), { code: 'NO_WALLET' });
  });

  it('says KEYSTORE_CORRUPT for damaged files', async () => {
    await writeKeystore(path, { mnemonic: generateMnemonic() }, 'pass');
    const good = JSON.parse(await readFile(path, 'utf8'));
    const flipped = Buffer.from(good.ciphertext, 'base64');
    flipped[0]! ^= 1;
    const cases: [string, string][] = [
      ['not JSON', '{"version": 1,'],
      ['JSON of another kind', JSON.stringify({ ...good, kind: 'other' })],
      ['an unknown version', JSON.stringify({ ...good, version: 9 })],
      ['a memory-hungry KDF', JSON.stringify({ ...good, kdf: { ...good.kdf, N: 2 ** 24 } })],
      [
        'a KDF cost that is no power of two',
        JSON.stringify({ ...good, kdf: { ...good.kdf, N: 1000 } }),
      ],
      ['a missing cipher', JSON.stringify({ ...good, cipher: undefined })],
      [
        // GCM checks only as many tag bytes as it is given unless the length is fixed.
        'an authentication tag cut to 4 bytes',
        JSON.stringify({
          ...good,
          cipher: {
            ...good.cipher,
            tag: Buffer.from(good.cipher.tag, 'base64').subarray(0, 4).toString('base64'),
          },
        }),
      ],
      [
        'a flipped ciphertext bit',
        JSON.stringify({ ...good, ciphertext: flipped.toString('base64') }),
      ],
    ];
    for (const [name, content] of cases) {
      await writeFile(path, content);
      await assert.rejects(
        readKeystore(path, 'pass'),
        { name: 'OrangeError', code: 'KEYSTORE_CORRUPT' },
        name,
      );
    }
  });
});

/** A keystore as the first release wrote it: scrypt N = 2^15, r = 8, p = 1, AES-256-GCM. */
async function writeLegacyKeystore(path: string, secret: object, passphrase: string) {
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const derived = scryptSync(passphrase.normalize('NFKC'), salt, 64, {
    N: 2 ** 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  const cipher = createCipheriv('aes-256-gcm', derived.subarray(0, 32), iv).setAAD(
    Buffer.from('orange-cloud/keystore/v1'),
  );
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secret)), cipher.final()]);
  const file = {
    version: 1,
    kind: 'orange-cloud/keystore',
    protected: passphrase.length > 0,
    kdf: { name: 'scrypt', N: 2 ** 15, r: 8, p: 1, salt: salt.toString('base64') },
    check: createHash('sha256').update(derived.subarray(32)).digest('base64'),
    cipher: {
      name: 'aes-256-gcm',
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
    ciphertext: ciphertext.toString('base64'),
  };
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, JSON.stringify(file));
}
