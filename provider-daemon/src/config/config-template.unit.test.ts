import assert from 'node:assert/strict';
import { parseConfig } from '../config.js';
import { renderConfigTemplate, type ConfigTemplateValues } from './config-template.js';
import { parseJsonc } from './jsonc-file.js';

const values: ConfigTemplateValues = {
  network: {
    chainId: 84532,
    rpcUrls: ['https://a.example.org', 'https://b.example.org'],
    marketAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    deployBlock: 123n,
  },
  keystore: '/srv/orange/wallet.json',
  passphraseEnv: 'ORANGE_PROVIDER_PASSPHRASE',
  cores: 3,
  memoryMb: 4096,
  pricePerCoreSecond: 12345678901234567890n,
  runtimes: ['python3'],
  ipfsDirectory: '/srv/orange/ipfs',
  listenHost: '0.0.0.0',
  stateDir: '/srv/orange/state',
};

describe('the config file init writes', () => {
  it('loads back to the values it was written from', () => {
    const config = parseConfig(parseJsonc(renderConfigTemplate(values), 'provider.jsonc'));
    assert.equal(config.network.chainId, 84532);
    assert.equal(config.network.rpcUrl, 'https://a.example.org');
    assert.deepEqual(config.network.fallbackRpcUrls, ['https://b.example.org']);
    assert.equal(config.network.wsUrl, undefined);
    assert.equal(config.network.marketAddress, values.network.marketAddress);
    assert.equal(config.network.deployBlock, 123n);
    assert.equal(config.keystore, values.keystore);
    assert.equal(config.passphraseEnv, values.passphraseEnv);
    assert.deepEqual(
      {
        cores: config.policy.cores,
        memoryMb: config.policy.memoryMb,
        price: config.policy.pricePerCoreSecond,
      },
      { cores: 3, memoryMb: 4096, price: values.pricePerCoreSecond },
    );
    assert.deepEqual(config.runtimes, ['python3']);
    assert.deepEqual(config.policy.allowRequesters, []);
    assert.deepEqual(config.ipfs, {
      mode: 'embedded',
      directory: '/srv/orange/ipfs',
      listen: ['/ip4/0.0.0.0/tcp/4011'],
    });
    assert.deepEqual(config.live, { host: '0.0.0.0', port: 8740 });
    assert.equal(config.stateDir, values.stateDir);
    assert.deepEqual(config.sandbox, { runtime: 'runc' });
    assert.equal(config.quotes.maxTimeoutSec, 86_400);
  });

  it('leaves runtimes out (every present image) and listens on loopback for the devnet', () => {
    const text = renderConfigTemplate({
      ...values,
      network: { ...values.network, chainId: 31337, wsUrl: 'ws://127.0.0.1:8545' },
      runtimes: undefined,
      listenHost: '127.0.0.1',
    });
    const config = parseConfig(parseJsonc(text, 'provider.jsonc'));
    assert.equal(config.runtimes, undefined);
    assert.equal(config.network.wsUrl, 'ws://127.0.0.1:8545');
    assert.deepEqual(config.live, { host: '127.0.0.1', port: 0 });
    // plain JSON apart from the comments: no trailing commas
    assert.doesNotThrow(() => JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')));
  });

  it('explains each field in a comment above it', () => {
    const lines = renderConfigTemplate(values).split('\n');
    const keys = [
      'network',
      'chainId',
      'rpcUrls',
      'marketAddress',
      'keystore',
      'passphraseEnv',
      'offer',
      'cores',
      'memoryMb',
      'runtimes',
      'pricePerCoreSecond',
      'policy',
      'ipfs',
      'outputCapBytes',
      'quotes',
      'live',
      'stateDir',
      'sandbox',
    ];
    for (const key of keys) {
      const at = lines.findIndex((line) => line.trimStart().startsWith(`"${key}"`));
      assert.ok(at > 0, `${key} is written`);
      const above = lines
        .slice(0, at)
        .reverse()
        .find((line) => line.trim() !== '')!;
      if (key === 'network') continue; // the first field, under the file's header
      assert.match(above.trim(), /^\/\//, `a comment above ${key}`);
    }
  });
});
