import * as assert from 'node:assert/strict';
import {
  coreChoices,
  parsePriceCeiling,
  priceCeilingText,
  priceCeilingWei,
  parseTimeout,
  validateCores,
  validateMemoryMb,
  validatePriceCeiling,
  validateTimeout,
} from './run-options.js';

describe('run options', () => {
  it('accepts whole cores and memory in range', () => {
    assert.equal(validateCores('4'), undefined);
    assert.equal(validateMemoryMb(' 2048 '), undefined);
  });

  it('explains bad cores and memory', () => {
    assert.match(validateCores('two')!, /whole number/);
    assert.match(validateCores('0')!, /between 1 and 64/);
    assert.match(validateCores('1.5')!, /whole number/);
    assert.match(validateMemoryMb('10')!, /between 64/);
  });

  it('reads timeouts in seconds, minutes and hours', () => {
    assert.equal(parseTimeout('90'), 90);
    assert.equal(parseTimeout('90s'), 90);
    assert.equal(parseTimeout('5m'), 300);
    assert.equal(parseTimeout(' 2H '), 7200);
    assert.equal(parseTimeout('5 min'), undefined);
    assert.equal(parseTimeout('-1'), undefined);
  });

  it('explains bad timeouts', () => {
    assert.equal(validateTimeout('1h'), undefined);
    assert.match(validateTimeout('soon')!, /90, 5m, 1h/);
    assert.match(validateTimeout('0')!, /between 1 s and 24 h/);
    assert.match(validateTimeout('25h')!, /between 1 s and 24 h/);
  });

  it('reads the price ceiling in tokens, never wei; empty means none', () => {
    const terms = { symbol: 'OTTx', decimals: 18 };
    assert.equal(parsePriceCeiling('', terms), undefined);
    assert.equal(parsePriceCeiling(' 0.000001 ', terms), 10n ** 12n);
    assert.equal(parsePriceCeiling('1e3', terms), 'invalid');
    assert.equal(validatePriceCeiling('0.5', terms), undefined);
    assert.match(validatePriceCeiling('lots', terms)!, /amount of OTTx per core-second/);
    assert.equal(priceCeilingText(10n ** 12n, terms), '0.000001');
    assert.equal(priceCeilingText(undefined, terms), '');
  });

  it('offers powers of two up to the largest provider, plus the default', () => {
    assert.deepEqual(coreChoices(3, 8), [1, 2, 3, 4, 8]);
    assert.deepEqual(coreChoices(1, undefined), [1, 2, 4, 8, 16, 32, 64]);
    assert.deepEqual(coreChoices(2, 1), [1, 2]);
  });

  it('turns the price ceiling setting into wei with the market token, refusing what it cannot hold', () => {
    const terms = { symbol: 'OTTx', decimals: 18 };
    assert.equal(priceCeilingWei(undefined, terms), undefined);
    assert.equal(priceCeilingWei({ tokens: '0.000001' }, terms), 10n ** 12n);
    assert.equal(priceCeilingWei({ wei: 5n }, terms), 5n);
    assert.throws(
      () => priceCeilingWei({ tokens: '0.0000000000000000001' }, terms),
      (error: unknown) =>
        error instanceof Error &&
        (error as { code?: string }).code === 'INVALID_SETTINGS' &&
        /orangeCloud\.priceCeiling is not an amount of OTTx: "0\.0000000000000000001" has more than 18 decimals/.test(
          error.message,
        ) &&
        /Nothing was posted/.test((error as { hint?: string }).hint ?? ''),
    );
  });
});
