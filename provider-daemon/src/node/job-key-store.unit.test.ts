import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptOriginal, encrypt } from '@nucypher/umbral-pre';
import { publicKeyFromHex, type ProviderKeys } from '@orange-cloud/sdk';
import { JobKeyStore } from './job-key-store.js';

const message = new TextEncoder().encode('only the job key opens this');

describe('job key store', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'orange-job-keys-'));
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it('makes a fresh key pair per offer, kept in a private directory, mode 600', async () => {
    const store = await JobKeyStore.open(stateDir);
    const a = await store.create(1n);
    const b = await store.create(2n);
    assert.match(a.jobPublicKey, /^0x0[23][0-9a-f]{64}$/);
    assert.notEqual(a.jobPublicKey, b.jobPublicKey);
    assert.deepEqual(
      a.publicKey.toCompressedBytes(),
      publicKeyFromHex(a.jobPublicKey).toCompressedBytes(),
    );
    // what the SDK opens a granted job with
    const providerKeys: ProviderKeys = a;
    assert.equal(providerKeys.secretKey, a.secretKey);
    assert.equal((await stat(store.directory)).mode & 0o777, 0o700);
    assert.equal((await stat(join(store.directory, '1.key'))).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(store.directory).then((n) => n.sort()), ['1.key', '2.key']);
    await assert.rejects(store.create(1n), /exists already/);
  });

  it('reloads a key after a restart, and the reloaded key opens what was sealed to it', async () => {
    const first = await JobKeyStore.open(stateDir);
    const made = await first.create(42n);
    const [capsule, ciphertext] = encrypt(publicKeyFromHex(made.jobPublicKey), message);

    const second = await JobKeyStore.open(stateDir);
    assert.deepEqual(await second.stored(), [42n]);
    const loaded = await second.load(42n);
    assert.ok(loaded);
    assert.equal(loaded.jobPublicKey, made.jobPublicKey);
    assert.deepEqual(decryptOriginal(loaded.secretKey, capsule, ciphertext), message);
    assert.equal(await second.load(43n), undefined);
  });

  it('erases a key from memory and disk; a second erase finds nothing', async () => {
    const store = await JobKeyStore.open(stateDir);
    await store.create(7n);
    await store.create(8n);
    assert.equal(await store.erase(7n), true);
    assert.equal(await store.load(7n), undefined);
    assert.deepEqual(await store.stored(), [8n]);
    assert.equal(await store.erase(7n), false);
    // a key left by an earlier run is erased from disk without being loaded first
    const restarted = await JobKeyStore.open(stateDir);
    assert.equal(await restarted.erase(8n), true);
    assert.deepEqual(await readdir(store.directory), []);
  });

  it('tells when a key was made, from its file, also after a restart', async () => {
    const before = Math.floor(Date.now() / 1000);
    const store = await JobKeyStore.open(stateDir);
    await store.create(9n);
    const restarted = await JobKeyStore.open(stateDir);
    const at = await restarted.issuedAtSec(9n);
    assert.ok(at !== undefined && at >= before && at <= Math.ceil(Date.now() / 1000), `${at}`);
    assert.equal(await restarted.issuedAtSec(10n), undefined);
  });

  it('clears half-written files of a crash and names a corrupt key file', async () => {
    const first = await JobKeyStore.open(stateDir);
    await writeFile(join(first.directory, '5.abcdef.tmp'), 'partial');
    await writeFile(join(first.directory, '6.key'), 'short', { mode: 0o600 });
    await writeFile(join(first.directory, 'notes.txt'), 'not a key');
    const store = await JobKeyStore.open(stateDir);
    assert.deepEqual((await readdir(store.directory)).sort(), ['6.key', 'notes.txt']);
    assert.deepEqual(await store.stored(), [6n]);
    await assert.rejects(store.load(6n), { code: 'KEYSTORE_CORRUPT' });
  });
});
