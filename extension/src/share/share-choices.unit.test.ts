import * as assert from 'node:assert/strict';
import { OrangeError } from '@orange-cloud/sdk';
import {
  defaultShare,
  machineFrom,
  priceInTokens,
  readShareChoices,
  validateShareChoices,
  type ShareChoices,
} from './share-choices.js';

const machine = { cores: 2, memoryMb: 7936 };
const terms = { symbol: 'OTTx', decimals: 18 };
/** 0.000001 OTTx per core-second, the default price, in wei. */
const DEFAULT_PRICE_WEI = '1000000000000';
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
      'share.price': '',
      'share.runtimes': ['python3'],
      'share.denyRequesters': ['0x' + 'ab'.repeat(20), 42],
      'share.keepRunning': true,
    };
    assert.deepEqual(
      readShareChoices((key) => settings[key], machine, terms),
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
      readShareChoices((key) => settings[key], machine, terms).memoryMb;
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

  /** The price read from settings (an `isSet` of the keys given), or the refusal. */
  const price = (settings: Record<string, unknown>, decimals = 18) =>
    readShareChoices(
      (key) => settings[key],
      machine,
      { symbol: 'OTTx', decimals },
      (key) => key in settings,
    ).pricePerCoreSecond;

  it('reads the price in tokens per core-second, as wei for the daemon', () => {
    assert.equal(price({ 'share.price': '0.0000005' }), '500000000000');
    assert.equal(price({ 'share.price': ' 2 ' }), 2n * 10n ** 18n + '');
    assert.equal(price({ 'share.price': '0.5' }, 6), '500000');
    // unset or empty: 0.000001 OTTx
    assert.equal(price({}), DEFAULT_PRICE_WEI);
    assert.equal(price({ 'share.price': '' }), DEFAULT_PRICE_WEI);
  });

  it('reads the deprecated wei key only while the price in tokens is unset', () => {
    assert.equal(price({ 'share.pricePerCoreSecond': '3000' }), '3000');
    assert.equal(
      price({ 'share.pricePerCoreSecond': '3000', 'share.price': '0.000002' }),
      '2000000000000',
    );
    const bad = refusal(() => price({ 'share.pricePerCoreSecond': '0.5' }));
    assert.equal(bad.code, 'INVALID_SETTINGS');
    assert.match(bad.message, /orangeCloud\.share\.pricePerCoreSecond: .*deprecated.*share\.price/);
  });

  it('refuses a price that is not an amount, finer than the token divides, or zero, naming the setting', () => {
    for (const [text, problem] of [
      ['-1', /not an amount of OTTx/],
      ['abc', /not an amount of OTTx/],
      ['1e-6', /not an amount of OTTx/],
      ['0.0000000000000000001', /more decimals than OTTx \(18\)/],
      ['0', /more than 0/],
      ['0.000', /more than 0/],
    ] as const) {
      const error = refusal(() => price({ 'share.price': text }));
      assert.equal(error.code, 'INVALID_SETTINGS', text);
      assert.match(error.message, /^orangeCloud\.share\.price: /, text);
      assert.match(error.message, problem, text);
    }
    assert.match(
      refusal(() => price({ 'share.price': 42 })).message,
      /orangeCloud\.share\.price: must be text, an amount such as "0\.000001" in quotes, not 42/,
    );
  });

  it('keeps a price in the setting as tokens', () => {
    assert.equal(priceInTokens('500000000000', terms), '0.0000005');
    assert.equal(priceInTokens('2000000', { decimals: 6 }), '2');
  });

  it('refuses a negative, zero or malformed price in wei, naming the setting', () => {
    for (const wei of ['-1', '0', '1.5', 'abc']) {
      const error = refusal(() =>
        validateShareChoices(choices({ pricePerCoreSecond: wei }), machine, ['python3']),
      );
      assert.match(error.message, /orangeCloud\.share\.price:/, wei);
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
