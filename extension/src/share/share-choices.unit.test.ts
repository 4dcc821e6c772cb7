import * as assert from 'node:assert/strict';
import { OrangeError } from '@orange-cloud/sdk';
import {
  DEFAULT_PRICE_WEI,
  defaultShare,
  machineFrom,
  readShareChoices,
  validateShareChoices,
  type ShareChoices,
} from './share-choices.js';

const machine = { cores: 2, memoryMb: 7936 };
const choices = (over: Partial<ShareChoices> = {}): ShareChoices => ({
  cores: 1,
  memoryMb: 512,
  pricePerCoreSecond: DEFAULT_PRICE_WEI,
  runtimes: [],
  allowRequesters: [],
  denyRequesters: [],
  keepRunning: false,
  ...over,
});

function refusal(fn: () => unknown): OrangeError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof OrangeError);
    return error;
  }
  assert.fail('expected a refusal');
}

describe('share choices', () => {
  it('defaults to half the cores and a quarter of the memory in 256 MB steps', () => {
    assert.deepEqual(defaultShare({ cores: 2, memoryMb: 7936 }), { cores: 1, memoryMb: 1792 });
    assert.deepEqual(defaultShare({ cores: 16, memoryMb: 65536 }), { cores: 8, memoryMb: 16384 });
    // a one-core machine with little memory still offers something it has
    assert.deepEqual(defaultShare({ cores: 1, memoryMb: 200 }), { cores: 1, memoryMb: 200 });
  });

  it('reads the machine from os figures', () => {
    assert.deepEqual(machineFrom({ cores: 4, totalMemBytes: 8 * 1024 ** 3 }), {
      cores: 4,
      memoryMb: 8192,
    });
  });

  it('reads settings, 0 meaning the default for this machine', () => {
    const settings: Record<string, unknown> = {
      'share.cores': 0,
      'share.memoryMb': 1024,
      'share.pricePerCoreSecond': '',
      'share.runtimes': ['python3'],
      'share.denyRequesters': ['0x' + 'ab'.repeat(20), 42],
      'share.keepRunning': true,
    };
    assert.deepEqual(
      readShareChoices((key) => settings[key], machine),
      choices({
        memoryMb: 1024,
        runtimes: ['python3'],
        denyRequesters: ['0x' + 'ab'.repeat(20)],
        keepRunning: true,
      }),
    );
  });

  it('reads the memory under its new key first, the earlier spelling while it is 0', () => {
    const read = (settings: Record<string, unknown>) =>
      readShareChoices((key) => settings[key], machine).memoryMb;
    assert.equal(read({ 'share.memoryMB': 2048, 'share.memoryMb': 1024 }), 2048);
    assert.equal(read({ 'share.memoryMB': 0, 'share.memoryMb': 1024 }), 1024);
    assert.equal(read({ 'share.memoryMB': 0, 'share.memoryMb': 0 }), 1792);
  });

  it('accepts what the machine has', () => {
    const ok = choices({ cores: 2, memoryMb: 7936, runtimes: ['python3'] });
    assert.equal(validateShareChoices(ok, machine, ['python3', 'python-data']), ok);
  });

  it('refuses more cores or memory than the machine has, naming the setting', () => {
    const cores = refusal(() => validateShareChoices(choices({ cores: 3 }), machine, ['python3']));
    assert.equal(cores.code, 'INVALID_SETTINGS');
    assert.match(cores.message, /orangeCloud\.share\.cores: This machine has 2 cores/);
    const memory = refusal(() =>
      validateShareChoices(choices({ memoryMb: 8000 }), machine, ['python3']),
    );
    assert.match(memory.message, /orangeCloud\.share\.memoryMB: .*7936 MB/);
    assert.match(
      refusal(() => validateShareChoices(choices({ cores: 0 }), machine, ['python3'])).message,
      /share\.cores: .*at least 1/,
    );
  });

  it('refuses a negative, zero or malformed price', () => {
    for (const price of ['-1', '0', '1.5', 'abc']) {
      const error = refusal(() =>
        validateShareChoices(choices({ pricePerCoreSecond: price }), machine, ['python3']),
      );
      assert.match(error.message, /orangeCloud\.share\.pricePerCoreSecond/, price);
    }
  });

  it('refuses a runtime whose image is not present, and a machine with none', () => {
    const missing = refusal(() =>
      validateShareChoices(choices({ runtimes: ['python-data'] }), machine, ['python3']),
    );
    assert.match(missing.message, /share\.runtimes: python-data: no image .*present: python3/);
    const none = refusal(() => validateShareChoices(choices(), machine, []));
    assert.match(none.message, /No runtime image is present/);
  });

  it('refuses an allow or deny entry that is not an address', () => {
    const error = refusal(() =>
      validateShareChoices(choices({ allowRequesters: ['bob'] }), machine, ['python3']),
    );
    assert.match(error.message, /share\.allowRequesters: "bob" is not a 0x address/);
  });
});
