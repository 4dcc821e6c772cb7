import * as assert from 'node:assert/strict';
import {
  DEFAULT_ALLOWANCE,
  OrangeError,
  dearestPrice,
  parseAllowance,
  type PaymentTerms,
} from '@orange-cloud/sdk';
import { validateAllowance } from './authorization.js';

const terms: PaymentTerms = {
  market: '0x00000000000000000000000000000000000000aa',
  cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
  superToken: '0x0000000000000000000000000000000000000003',
  symbol: 'OTTx',
  decimals: 18,
  graceSec: 30,
};
const micro = 10n ** 12n; // 0.000001 OTTx
describe('payment authorization', () => {
  it('reads the default allowance as 0.01 tokens per second', () => {
    assert.equal(parseAllowance(DEFAULT_ALLOWANCE, terms), 10n ** 16n);
    assert.equal(validateAllowance(DEFAULT_ALLOWANCE, terms), undefined);
    assert.equal(parseAllowance(' 2.5 ', terms), 25n * 10n ** 17n);
  });

  it('refuses what is not a positive amount a flow can carry, and says why', () => {
    assert.match(validateAllowance('lots', terms)!, /not an amount of OTTx.*e\.g\. 0\.5/);
    assert.match(validateAllowance('-1', terms)!, /not an amount/);
    assert.match(validateAllowance('0', terms)!, /0 would let no job start.*Revoke Payments/);
    assert.match(validateAllowance('0.0', terms)!, /0 would let no job start/);
    assert.match(validateAllowance('1e30', terms)!, /not an amount/);
    assert.match(validateAllowance(`0.${'0'.repeat(18)}1`, terms)!, /more decimals than OTTx/);
    assert.match(validateAllowance('100000000000', terms)!, /more than a flow can carry/);
    assert.throws(() => parseAllowance('0', terms), OrangeError);
  });

  it('finds the dearest active provider', () => {
    assert.equal(dearestPrice([]), 0n);
    assert.equal(
      dearestPrice([{ pricePerCoreSecond: micro }, { pricePerCoreSecond: 3n * micro }]),
      3n * micro,
    );
  });
});
