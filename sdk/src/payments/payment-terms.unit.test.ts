import assert from 'node:assert/strict';
import { OrangeError } from '../errors.js';
import {
  formatRate,
  formatTokens,
  maxCostWei,
  parseTokens,
  type PaymentTerms,
} from './payment-terms.js';

const terms: PaymentTerms = {
  market: '0x0000000000000000000000000000000000000001',
  cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
  superToken: '0x0000000000000000000000000000000000000003',
  symbol: 'OTTx',
  decimals: 18,
  graceSec: 30,
};

describe('payment terms: amounts for people', function () {
  it('formats token wei and rates exactly', function () {
    assert.equal(formatTokens(0n, terms), '0 OTTx');
    assert.equal(formatTokens(1n, terms), '0.000000000000000001 OTTx');
    assert.equal(formatTokens(1_500_000_000_000_000_000n, terms), '1.5 OTTx');
    assert.equal(formatRate(2_000_000_000_000n, terms), '0.000002 OTTx/s');
  });

  it('bounds a run by its rate over timeout + grace', function () {
    assert.equal(maxCostWei(7n, 60, terms), 7n * 90n);
  });

  it('parses what a person types, and only that', function () {
    assert.equal(parseTokens('0.01', terms), 10n ** 16n);
    assert.equal(parseTokens(' 2 ', terms), 2n * 10n ** 18n);
    for (const bad of [
      '',
      'lots',
      '-1',
      '1e3',
      '0x10',
      '1.',
      '.5',
      '1,5',
      '0.0000000000000000001',
    ]) {
      assert.throws(
        () => parseTokens(bad, terms),
        (error: unknown) => error instanceof OrangeError && error.code === 'BAD_AMOUNT',
        `accepted ${JSON.stringify(bad)}`,
      );
    }
  });
});
