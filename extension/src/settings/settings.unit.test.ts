import * as assert from 'node:assert/strict';
import { OrangeError } from '@orange-cloud/sdk';
import { readSettings, storeConfig } from './settings.js';

const DEFAULTS: Record<string, unknown> = {
  network: 'devnet',
  rpcUrl: '',
  marketAddress: '',
  subgraphUrl: '',
  'ipfs.mode': 'embedded',
  'ipfs.url': '',
  'ipfs.authHeader': '',
  defaultCores: 1,
  defaultMemoryMb: 512,
  defaultTimeoutSec: 60,
  maxPricePerCoreSecond: '',
  project: 'auto',
  maxProjectMb: 50,
  allowInstallScripts: false,
  'outputs.folder': '.orange/outputs',
  'outputs.openImages': true,
};
const reader = (overrides: Record<string, unknown> = {}) => {
  const values = { ...DEFAULTS, ...overrides };
  return (key: string) => values[key];
};
const rejects = (overrides: Record<string, unknown>, pattern: RegExp) =>
  assert.throws(
    () => readSettings(reader(overrides)),
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
    assert.equal(settings.maxPricePerCoreSecond, undefined);
    assert.equal(settings.defaultTimeoutSec, 60);
    assert.deepEqual(settings.project, { mode: 'auto' });
    assert.equal(settings.maxProjectMb, 50);
    assert.equal(settings.allowInstallScripts, false);
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
        'ipfs.mode': 'kubo',
        'ipfs.url': 'https://pin.example/api',
        'ipfs.authHeader': 'Bearer t0k',
        maxPricePerCoreSecond: '1000',
        rpcUrl: 'http://127.0.0.1:9545',
      }),
    );
    assert.deepEqual(settings.ipfs, {
      mode: 'kubo',
      url: 'https://pin.example/api',
      authHeader: 'Bearer t0k',
    });
    assert.equal(settings.maxPricePerCoreSecond, 1000n);
    assert.deepEqual(storeConfig(settings, '/x'), {
      mode: 'kubo',
      url: 'https://pin.example/api',
      headers: { Authorization: 'Bearer t0k' },
    });
  });

  it("reads the subgraph's URL, trimmed; empty is none", () => {
    const url = 'https://graph.example/subgraphs/name/orange-cloud';
    assert.equal(readSettings(reader({ subgraphUrl: ` ${url} ` })).subgraphUrl, url);
    assert.equal(readSettings(reader({ subgraphUrl: '  ' })).subgraphUrl, undefined);
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
    rejects({ rpcUrl: 'ftp://x' }, /rpcUrl.*http/));
  it('rejects text that is no URL', () => rejects({ rpcUrl: 'not a url' }, /rpcUrl is not a URL/));
  it('rejects a subgraph URL that is not http(s)', () =>
    rejects({ subgraphUrl: 'ws://127.0.0.1:8000' }, /subgraphUrl must start with http/));
  it('rejects a malformed market address', () =>
    rejects({ marketAddress: '0x12' }, /marketAddress/));
  it('rejects an unknown IPFS mode', () => rejects({ 'ipfs.mode': 'gateway' }, /ipfs\.mode/));
  it('rejects Kubo mode without a URL', () =>
    rejects({ 'ipfs.mode': 'kubo' }, /ipfs\.url must be set/));
  it('rejects fractional cores', () =>
    rejects({ defaultCores: 1.5 }, /defaultCores must be a whole number/));
  it('rejects cores out of range', () =>
    rejects({ defaultCores: 0 }, /defaultCores must be between 1 and 64/));
  it('rejects too little memory', () => rejects({ defaultMemoryMb: 8 }, /defaultMemoryMb/));
  it('rejects a timeout given as text', () =>
    rejects({ defaultTimeoutSec: '60' }, /defaultTimeoutSec/));
  it('rejects a price that is not whole wei', () =>
    rejects({ maxPricePerCoreSecond: '1.5' }, /maxPricePerCoreSecond/));
  it('rejects a project folder above the workspace folder', () =>
    rejects({ project: '../elsewhere' }, /project must be "auto", "file" or a folder inside/));
  it('rejects an absolute project folder', () =>
    rejects({ project: '/home/me/proj' }, /project must be/));
  it('caps the project at what a provider fetches', () =>
    rejects({ maxProjectMb: 65 }, /maxProjectMb must be between 1 and 64/));

  it('lets npm install scripts run only when the setting says so', () => {
    assert.equal(readSettings(reader({ allowInstallScripts: true })).allowInstallScripts, true);
    rejects({ allowInstallScripts: 'yes' }, /allowInstallScripts must be true or false/);
  });
  it('rejects an outputs folder that climbs out of the workspace', () =>
    rejects({ 'outputs.folder': '../out' }, /outputs\.folder must be inside the workspace/));
  it('rejects an openImages that is not a boolean', () =>
    rejects({ 'outputs.openImages': 'yes' }, /outputs\.openImages must be true or false/));
  it('rejects a non-text price', () =>
    rejects({ maxPricePerCoreSecond: 5 }, /maxPricePerCoreSecond must be text/));
});
