import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOverrides, readOverrides } from './overrides.js';
import { resolveConfig } from './resolve-config.js';

const file = {
  network: {
    chainId: 31337,
    rpcUrl: 'http://127.0.0.1:8545',
    marketAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  },
  keystore: '/tmp/k.json',
  offer: { cores: 2, memoryMb: 2048, pricePerCoreSecond: '1000', runtimes: ['python3'] },
};
const machine = { cores: 4, memoryMb: 8192 };

const rejects = (promise: Promise<unknown>, message: RegExp) =>
  assert.rejects(
    promise,
    (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && message.test(e.message),
  );

describe('config overrides', () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-overrides-'));
    path = join(dir, 'provider.jsonc');
    await writeFile(path, `// a comment\n${JSON.stringify(file, null, 2)}`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('ranks flags over the environment over the file', async () => {
    const env = {
      ORANGE_PROVIDER_CORES: '3',
      ORANGE_PROVIDER_MEMORY_MB: '1024',
      ORANGE_PROVIDER_PRICE: '7',
      ORANGE_PROVIDER_RPC_URLS: 'http://127.0.0.1:1, http://127.0.0.1:2',
    };
    const fromEnv = (await resolveConfig({ flags: { config: path }, env, machine })).config;
    assert.equal(fromEnv.policy.cores, 3);
    assert.equal(fromEnv.policy.memoryMb, 1024);
    assert.equal(fromEnv.policy.pricePerCoreSecond, 7n);
    assert.equal(fromEnv.network.rpcUrl, 'http://127.0.0.1:1');
    assert.deepEqual(fromEnv.network.fallbackRpcUrls, ['http://127.0.0.1:2']);

    const flags = { config: path, cores: '1', price: '9', 'rpc-url': ['http://127.0.0.1:3'] };
    const fromFlags = (await resolveConfig({ flags, env, machine })).config;
    assert.equal(fromFlags.policy.cores, 1);
    assert.equal(fromFlags.policy.memoryMb, 1024, 'the variable still beats the file');
    assert.equal(fromFlags.policy.pricePerCoreSecond, 9n);
    assert.equal(fromFlags.network.rpcUrl, 'http://127.0.0.1:3');
    assert.equal(fromFlags.network.fallbackRpcUrls, undefined);

    const fromFile = (await resolveConfig({ flags: { config: path }, env: {}, machine })).config;
    assert.equal(fromFile.policy.cores, 2);
    assert.equal(fromFile.policy.pricePerCoreSecond, 1000n);
  });

  it('finds the file through ORANGE_PROVIDER_CONFIG when no --config is given', async () => {
    const { path: found } = await resolveConfig({
      flags: {},
      env: { ORANGE_PROVIDER_CONFIG: path },
      machine,
    });
    assert.equal(found, path);
  });

  it('names the flag or the variable a bad value came from', async () => {
    const check = (flags: Record<string, unknown>, env: NodeJS.ProcessEnv, message: RegExp) =>
      rejects(resolveConfig({ flags: { config: path, ...flags }, env, machine }), message);
    await check({ cores: 'two' }, {}, /--cores must be a positive whole number, not "two"/);
    await check({ cores: '0' }, {}, /--cores must be a positive whole number/);
    await check({}, { ORANGE_PROVIDER_CORES: '1.5' }, /ORANGE_PROVIDER_CORES must be/);
    await check({}, { ORANGE_PROVIDER_MEMORY_MB: '-1' }, /ORANGE_PROVIDER_MEMORY_MB must be/);
    await check({ price: '-5' }, {}, /--price must be a whole number of wei, zero or more/);
    await check({}, { ORANGE_PROVIDER_PRICE: '0.1' }, /ORANGE_PROVIDER_PRICE must be/);
    await check(
      {},
      { ORANGE_PROVIDER_RPC_URLS: ',' },
      /ORANGE_PROVIDER_RPC_URLS must be a non-empty/,
    );
    await check({ 'rpc-url': ['nope'] }, {}, /--rpc-url must hold http\(s\) URLs only/);
    // the machine check names the override, the field and the machine's figure
    await check(
      { cores: '5' },
      {},
      /--cores \(offer\.cores\) is 5, more than the 4 cores this machine has/,
    );
    await check(
      {},
      { ORANGE_PROVIDER_MEMORY_MB: '9000' },
      /ORANGE_PROVIDER_MEMORY_MB \(offer\.memoryMb\) is 9000 MB, more than the 8192 MB/,
    );
  });

  it('refuses a file offering more than the machine has, naming the field', async () => {
    const small = { cores: 1, memoryMb: 1024 };
    await rejects(
      resolveConfig({ flags: { config: path }, env: {}, machine: small }),
      /offer\.cores is 2, more than the 1 core this machine has/,
    );
    await rejects(
      resolveConfig({ flags: { config: path }, env: {}, machine: { cores: 2, memoryMb: 1024 } }),
      /offer\.memoryMb is 2048 MB, more than the 1024 MB of memory this machine has/,
    );
  });

  it('ignores empty variables and leaves the raw file untouched', () => {
    assert.deepEqual(readOverrides({}, { ORANGE_PROVIDER_CORES: '' }), []);
    const raw = structuredClone(file) as Record<string, unknown>;
    const { raw: changed, sources } = applyOverrides(
      raw,
      readOverrides({ 'rpc-url': ['http://127.0.0.1:9'] }, {}),
    );
    // the list replaces the file's single rpcUrl
    assert.deepEqual(changed.network, {
      chainId: 31337,
      marketAddress: file.network.marketAddress,
      rpcUrls: ['http://127.0.0.1:9'],
    });
    assert.deepEqual(sources, { 'network.rpcUrls': '--rpc-url' });
    assert.deepEqual(raw, file);
  });

  it('reports a syntax error in the file with its line', async () => {
    const broken = join(dir, 'broken.jsonc');
    await writeFile(broken, '{\n  // fine\n  "keystore": "x"\n  "offer": {}\n}\n');
    await rejects(
      resolveConfig({ flags: { config: broken }, env: {}, machine }),
      /not valid JSON with comments: CommaExpected at line 4, column 3/,
    );
    await rejects(
      resolveConfig({ flags: { config: join(dir, 'missing.jsonc') }, env: {}, machine }),
      /Cannot read the provider config .*missing\.jsonc/,
    );
  });
});
