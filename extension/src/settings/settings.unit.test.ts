import * as assert from 'node:assert/strict';
import { OrangeError } from '@orange-cloud/sdk';
import { readSettings, storeConfig } from './settings.js';

const DEFAULTS: Record<string, unknown> = {
  network: 'devnet',
  chainRPCEndpoint: '',
  marketAddress: '',
  subgraphURL: '',
  IPFSMode: 'embedded',
  IPFSNodeURL: '',
  IPFSAuthorizationHeader: '',
  defaultCores: 1,
  defaultMemoryMB: 512,
  defaultTimeoutSec: 60,
  priceCeiling: '',
  project: 'auto',
  maxProjectMB: 50,
  allowInstallScripts: false,
  waitForProviderSec: 120,
  'outputs.folder': '.orange/outputs',
  'outputs.openImages': true,
};
const reader = (overrides: Record<string, unknown> = {}) => {
  const values = { ...DEFAULTS, ...overrides };
  return (key: string) => values[key];
};
/** The settings a user set: read as set, the rest as their defaults. */
const userSettings = (set: Record<string, unknown>) =>
  [reader(set), (key: string) => key in set] as const;
const rejects = (overrides: Record<string, unknown>, pattern: RegExp) =>
  assert.throws(
    () => readSettings(...userSettings(overrides)),
    (error: unknown) =>
      error instanceof OrangeError &&
      error.code === 'INVALID_SETTINGS' &&
      pattern.test(error.message) &&
      error.hint !== undefined,
  );

describe('readSettings', () => {
  it('reads the defaults', () => {
    const settings = readSettings(reader());
    assert.equal(settings.network, 'devnet');
    assert.equal(settings.rpcUrl, undefined);
    assert.equal(settings.marketAddress, undefined);
    assert.equal(settings.subgraphUrl, undefined);
    assert.deepEqual(settings.ipfs, { mode: 'embedded' });
    assert.equal(settings.priceCeiling, undefined);
    assert.equal(settings.defaultTimeoutSec, 60);
    assert.deepEqual(settings.project, { mode: 'auto' });
    assert.equal(settings.maxProjectMb, 50);
    assert.equal(settings.allowInstallScripts, false);
    assert.equal(settings.waitForProviderSec, 120);
    assert.deepEqual(settings.outputs, { folder: '.orange/outputs', openImages: true });
  });

  it('reads what a run sends: the file alone, or a folder of the workspace', () => {
    assert.deepEqual(readSettings(reader({ project: 'file' })).project, { mode: 'file' });
    assert.deepEqual(readSettings(reader({ project: ' analysis/src ' })).project, {
      mode: 'folder',
      folder: 'analysis/src',
    });
    // An empty text box means the default.
    assert.deepEqual(readSettings(reader({ project: '' })).project, { mode: 'auto' });
  });

  it('reads where returned files go and whether images open', () => {
    const settings = readSettings(
      reader({ 'outputs.folder': '/tmp/results', 'outputs.openImages': false }),
    );
    assert.deepEqual(settings.outputs, { folder: '/tmp/results', openImages: false });
    assert.equal(readSettings(reader({ 'outputs.folder': '' })).outputs.folder, '.orange/outputs');
  });

  it('reads a Kubo endpoint with its auth header and a price ceiling', () => {
    const settings = readSettings(
      reader({
        IPFSMode: 'kubo',
        IPFSNodeURL: 'https://pin.example/api',
        IPFSAuthorizationHeader: 'Bearer t0k',
        priceCeiling: ' 0.000001 ',
        chainRPCEndpoint: 'http://127.0.0.1:9545',
      }),
    );
    assert.deepEqual(settings.ipfs, {
      mode: 'kubo',
      url: 'https://pin.example/api',
      authHeader: 'Bearer t0k',
    });
    assert.deepEqual(settings.priceCeiling, { tokens: '0.000001' });
    assert.equal(settings.rpcUrl, 'http://127.0.0.1:9545');
    assert.deepEqual(storeConfig(settings, '/x'), {
      mode: 'kubo',
      url: 'https://pin.example/api',
      headers: { Authorization: 'Bearer t0k' },
    });
  });

  it("reads the subgraph's URL, trimmed; empty is none", () => {
    const url = 'https://graph.example/subgraphs/name/orange-cloud';
    assert.equal(readSettings(reader({ subgraphURL: ` ${url} ` })).subgraphUrl, url);
    assert.equal(readSettings(reader({ subgraphURL: '  ' })).subgraphUrl, undefined);
  });

  it('still reads a renamed key the user set, while its new key is unset', () => {
    const settings = readSettings(
      ...userSettings({
        rpcUrl: 'http://127.0.0.1:9545',
        'ipfs.mode': 'kubo',
        'ipfs.url': 'http://127.0.0.1:5001',
        defaultMemoryMb: 1024,
        maxProjectMb: 10,
      }),
    );
    assert.equal(settings.rpcUrl, 'http://127.0.0.1:9545');
    assert.deepEqual(settings.ipfs, {
      mode: 'kubo',
      url: 'http://127.0.0.1:5001',
      authHeader: undefined,
    });
    assert.equal(settings.defaultMemoryMb, 1024);
    assert.equal(settings.maxProjectMb, 10);
    // The new key wins once set.
    assert.equal(
      readSettings(...userSettings({ defaultMemoryMb: 1024, defaultMemoryMB: 2048 }))
        .defaultMemoryMb,
      2048,
    );
  });

  it('reads the deprecated wei price ceiling while priceCeiling is unset', () => {
    assert.deepEqual(
      readSettings(...userSettings({ maxPricePerCoreSecond: '1000' })).priceCeiling,
      { wei: 1000n },
    );
    assert.deepEqual(
      readSettings(...userSettings({ maxPricePerCoreSecond: '1000', priceCeiling: '0.5' }))
        .priceCeiling,
      { tokens: '0.5' },
    );
  });

  it('gives the embedded node its directory', () => {
    assert.deepEqual(storeConfig(readSettings(reader()), '/data/ipfs'), {
      mode: 'embedded',
      directory: '/data/ipfs',
    });
  });

  it('rejects an unknown network', () =>
    rejects({ network: 'mainnet' }, /orangeCloud\.network.*devnet/));
  it('rejects an RPC URL that is not http(s)', () =>
    rejects({ chainRPCEndpoint: 'ftp://x' }, /chainRPCEndpoint.*http/));
  it('rejects text that is no URL', () =>
    rejects({ chainRPCEndpoint: 'not a url' }, /chainRPCEndpoint is not a URL/));
  it('rejects a bad URL under the old key too, naming the new one', () =>
    rejects({ rpcUrl: 'ftp://x' }, /chainRPCEndpoint.*http/));
  it('rejects a subgraph URL that is not http(s)', () =>
    rejects({ subgraphURL: 'ws://127.0.0.1:8000' }, /subgraphURL must start with http/));
  it('rejects a malformed market address', () =>
    rejects({ marketAddress: '0x12' }, /marketAddress/));
  it('rejects an unknown IPFS mode', () => rejects({ IPFSMode: 'gateway' }, /IPFSMode/));
  it('rejects Kubo mode without a URL', () =>
    rejects({ IPFSMode: 'kubo' }, /IPFSNodeURL must be set/));
  it('rejects fractional cores', () =>
    rejects({ defaultCores: 1.5 }, /defaultCores must be a whole number/));
  it('rejects cores out of range', () =>
    rejects({ defaultCores: 0 }, /defaultCores must be between 1 and 64/));
  it('rejects too little memory', () => rejects({ defaultMemoryMB: 8 }, /defaultMemoryMB/));
  it('rejects a timeout given as text', () =>
    rejects({ defaultTimeoutSec: '60' }, /defaultTimeoutSec/));
  for (const bad of ['lots', '-1', '1e-6', '0,5', '.5', '0x10', '1 OTTx'])
    it(`rejects the price ceiling ${JSON.stringify(bad)}, saying it is an amount of tokens`, () =>
      rejects(
        { priceCeiling: bad },
        /priceCeiling must be an amount of the payment token per core-second such as 0\.000001/,
      ));
  it('rejects a deprecated wei ceiling that is not whole wei, naming its successor', () =>
    rejects(
      { maxPricePerCoreSecond: '1.5' },
      /maxPricePerCoreSecond must be a whole number of wei.*set orangeCloud\.priceCeiling in tokens/,
    ));
  it('rejects a project folder above the workspace folder', () =>
    rejects({ project: '../elsewhere' }, /project must be "auto", "file" or a folder inside/));
  it('rejects an absolute project folder', () =>
    rejects({ project: '/home/me/proj' }, /project must be/));
  it('caps the project at what a provider fetches', () =>
    rejects({ maxProjectMB: 65 }, /maxProjectMB must be between 1 and 64/));

  it('lets npm install scripts run only when the setting says so', () => {
    assert.equal(readSettings(reader({ allowInstallScripts: true })).allowInstallScripts, true);
    rejects({ allowInstallScripts: 'yes' }, /allowInstallScripts must be true or false/);
  });
  it('waits for a busy provider as long as the setting says, 0 meaning not at all', () => {
    assert.equal(readSettings(reader({ waitForProviderSec: 0 })).waitForProviderSec, 0);
    rejects({ waitForProviderSec: -1 }, /waitForProviderSec must be between 0 and 86400, not -1/);
    rejects({ waitForProviderSec: 1.5 }, /waitForProviderSec must be a whole number/);
  });
  it('rejects an outputs folder that climbs out of the workspace', () =>
    rejects({ 'outputs.folder': '../out' }, /outputs\.folder must be inside the workspace/));
  it('rejects an openImages that is not a boolean', () =>
    rejects({ 'outputs.openImages': 'yes' }, /outputs\.openImages must be true or false/));
  it('rejects a non-text price', () => rejects({ priceCeiling: 5 }, /priceCeiling must be text/));
});
