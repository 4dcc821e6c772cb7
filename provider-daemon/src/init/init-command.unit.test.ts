import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { generateMnemonic, readKeystore, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { loadConfig } from '../config.js';
import { initProvider, type InitContext, type InitOptions } from './init-command.js';
import { defaultMemoryMb } from './init-plan.js';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const machine = { cores: 8, memoryMb: 16_000 };

describe('orange-provider init', () => {
  let dir: string;
  let printed: string[];
  let n = 0;
  let home: string;

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'orange-init-')), `case-${n++}`);
    home = join(dir, 'home');
    printed = [];
  });
  afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

  const context = (env: NodeJS.ProcessEnv = {}, extra: Partial<InitContext> = {}): InitContext => ({
    env,
    home,
    machine,
    print: (line) => printed.push(line),
    confirm: undefined,
    ...extra,
  });
  /** A devnet-chain config by URL: an empty passphrase is allowed there, which keeps scrypt cheap. */
  const options = (extra: Partial<InitOptions> = {}): InitOptions => ({
    config: join(dir, 'provider.jsonc'),
    network: 'http://127.0.0.1:8545',
    market: MARKET,
    'chain-id': '31337',
    yes: true,
    ...extra,
  });
  const refused = (promise: Promise<unknown>, code: string, message: RegExp) =>
    assert.rejects(promise, (e: Error & { code?: string }) => {
      assert.equal(e.code, code);
      assert.match(e.message, message);
      return true;
    });
  const files = async () => readdir(dir).catch(() => []);

  it('writes a commented config and a new keystore, and says how to start', async () => {
    const result = await initProvider(
      options({ cores: '2', price: '5', runtimes: 'python3' }),
      context(),
    );
    const text = await readFile(result.config, 'utf8');
    assert.match(text, /^\/\/ Orange Cloud provider daemon configuration/);
    assert.equal((await stat(result.config)).mode & 0o777, 0o600);
    const config = await loadConfig(result.config);
    assert.equal(config.policy.cores, 2);
    assert.equal(config.policy.memoryMb, defaultMemoryMb(machine));
    assert.equal(config.policy.pricePerCoreSecond, 5n);
    assert.deepEqual(config.runtimes, ['python3']);
    assert.equal(config.network.rpcUrl, 'http://127.0.0.1:8545');
    assert.equal(config.keystore, join(dir, 'wallet.json'));
    assert.equal(config.stateDir, join(dir, 'state'));
    const secret = await readKeystore(config.keystore, '');
    assert.equal(walletFromSecret(secret).account.address, result.address);
    assert.equal(result.keystoreSource, 'created');
    const out = printed.join('\n');
    assert.match(out, new RegExp(`Wrote ${result.config} and the keystore`));
    assert.match(out, new RegExp(`orange-provider run --config ${result.config}`));
    assert.match(out, /npx orange devnet fund 0x/);
  });

  it('offers half the cores and half the memory by default', async () => {
    const result = await initProvider(options(), context());
    assert.equal(result.values.cores, 4);
    assert.equal(result.values.memoryMb, 7936); // 8000 rounded down to 256 MB
    assert.equal(result.values.runtimes, undefined);
    const one = await initProvider(
      options({ config: join(dir, 'small', 'p.jsonc') }),
      context({}, { machine: { cores: 1, memoryMb: 300 } }),
    );
    assert.deepEqual([one.values.cores, one.values.memoryMb], [1, 150]);
  });

  it('never overwrites a config or a keystore without --force', async () => {
    const first = await initProvider(options(), context());
    const before = await readFile(first.keystore, 'utf8');
    await refused(
      initProvider(options(), context()),
      'CONFIG_EXISTS',
      /A provider config exists at/,
    );
    assert.equal(await readFile(first.keystore, 'utf8'), before, 'keystore untouched');
    await rm(first.config);
    await refused(initProvider(options(), context()), 'WALLET_EXISTS', /A keystore exists at/);
    assert.deepEqual(await files(), ['wallet.json']);
    const forced = await initProvider(options({ force: true, cores: '1' }), context());
    assert.notEqual(forced.address, first.address);
    assert.equal((await loadConfig(forced.config)).policy.cores, 1);
  });

  it('refuses a new keystore without a passphrase outside the devnet', async () => {
    await refused(
      initProvider(options({ 'chain-id': '84532' }), context({ ORANGE_PROVIDER_PASSPHRASE: '' })),
      'PASSPHRASE_NEEDED',
      /ORANGE_PROVIDER_PASSPHRASE is empty: a provider keystore needs a passphrase outside the devnet/,
    );
    assert.deepEqual(await files(), []);
  });

  it('encrypts an imported key with the passphrase from the named variable', async () => {
    const key = `0x${'11'.repeat(32)}` as const;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'key.txt'), `${key}\n`);
    const result = await initProvider(
      options({
        'import-key': join(dir, 'key.txt'),
        'chain-id': '84532',
        'passphrase-env': 'MY_PASS',
      }),
      context({ MY_PASS: 'correct horse' }),
    );
    assert.equal(result.keystoreSource, 'imported');
    assert.equal(result.address, privateKeyToAccount(key).address);
    assert.deepEqual(await readKeystore(result.keystore, 'correct horse'), { privateKey: key });
    assert.equal((await loadConfig(result.config)).passphraseEnv, 'MY_PASS');
  });

  it('adopts an existing keystore only when it opens', async () => {
    const mnemonic = generateMnemonic();
    const keystore = join(dir, 'elsewhere', 'k.json');
    await writeKeystore(keystore, { mnemonic }, '');
    await refused(
      initProvider(options({ keystore }), context({ ORANGE_PROVIDER_PASSPHRASE: 'wrong' })),
      'CONFIG_INVALID',
      /keystore .*k\.json does not open with the passphrase in ORANGE_PROVIDER_PASSPHRASE/,
    );
    assert.deepEqual(await files(), ['elsewhere']);
    const result = await initProvider(options({ keystore }), context());
    assert.equal(result.keystoreSource, 'existing');
    assert.equal((await loadConfig(result.config)).keystore, keystore);
    assert.equal(result.address, walletFromSecret({ mnemonic }).account.address);
  });

  it('names the flag that is wrong, and writes nothing', async () => {
    const cases: [Partial<InitOptions>, RegExp][] = [
      [{ cores: '9' }, /--cores \(offer\.cores\) is 9, more than the 8 cores this machine has/],
      [{ memory: '20000' }, /--memory \(offer\.memoryMb\) is 20000 MB, more than the 16000 MB/],
      [{ cores: '-1' }, /--cores must be a whole number above zero/],
      [{ price: '-5' }, /--price must be a whole number of wei, zero or more/],
      [{ runtimes: 'python3,ruby' }, /--runtimes names "ruby", which is no known runtime/],
      [{ network: 'ftp://x' }, /--network must hold http\(s\) URLs only/],
      [{ market: 'nope' }, /--market must be the market contract address/],
      [{ 'chain-id': undefined }, /--chain-id is required with --network URL/],
      [{ 'passphrase-env': 'A B' }, /--passphrase-env must be the name of an environment variable/],
    ];
    for (const [extra, message] of cases)
      await refused(initProvider(options(extra), context()), 'CONFIG_INVALID', message);
    assert.deepEqual(await files(), []);
  });

  it('asks before writing unless --yes, and cannot ask without a terminal', async () => {
    await refused(
      initProvider(options({ yes: false }), context()),
      'CONFIG_INVALID',
      /no terminal to ask/,
    );
    const questions: string[] = [];
    const no = context({}, { confirm: (q) => (questions.push(q), Promise.resolve(false)) });
    await refused(initProvider(options({ yes: false }), no), 'ABORTED', /Nothing written/);
    assert.deepEqual(await files(), []);
    assert.deepEqual(questions, ['Write these files?']);
    const yes = context({}, { confirm: () => Promise.resolve(true) });
    await initProvider(options({ yes: false }), yes);
    assert.deepEqual((await files()).sort(), ['provider.jsonc', 'wallet.json']);
  });

  it('takes the devnet from the state `orange devnet up` recorded', async () => {
    await refused(
      initProvider(options({ network: 'devnet', market: undefined }), context()),
      'DEVNET_DOWN',
      /not running/,
    );
    await mkdir(join(home, 'devnet'), { recursive: true });
    await writeFile(
      join(home, 'devnet', 'devnet.json'),
      JSON.stringify({
        chainId: 31337,
        rpcUrl: 'http://127.0.0.1:9545',
        wsUrl: 'ws://127.0.0.1:9545',
        marketAddress: MARKET,
        deployBlock: '7',
      }),
    );
    const result = await initProvider(options({ network: 'devnet', market: undefined }), context());
    const config = await loadConfig(result.config);
    assert.equal(config.network.rpcUrl, 'http://127.0.0.1:9545');
    assert.equal(config.network.wsUrl, 'ws://127.0.0.1:9545');
    assert.equal(config.network.deployBlock, 7n);
    assert.deepEqual(config.live, { host: '127.0.0.1', port: 0 });
  });
});
