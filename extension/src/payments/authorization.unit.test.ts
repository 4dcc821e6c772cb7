import * as assert from 'node:assert/strict';
import {
  DEFAULT_ALLOWANCE,
  OrangeError,
  dearestPrice,
  parseAllowance,
  type PaymentStatus,
  type PaymentTerms,
} from '@orange-cloud/sdk';
import { authorizationPrompt, validateAllowance } from './authorization.js';

const terms: PaymentTerms = {
  market: '0x00000000000000000000000000000000000000aa',
  cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
  superToken: '0x0000000000000000000000000000000000000003',
  symbol: 'OTTx',
  decimals: 18,
  graceSec: 30,
};
const micro = 10n ** 12n; // 0.000001 OTTx
const status = (authorization: PaymentStatus['authorization']): PaymentStatus => ({
  terms,
  availableWei: 1000n * 10n ** 18n,
  authorization,
});
const notYet = status({ permissions: 0, flowRateAllowance: 0n, complete: false });

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

  it('says exactly what is allowed: market, rights, budget, core-starts, revoking', () => {
    const { message, detail } = authorizationPrompt(notYet, 10n ** 16n, micro);
    assert.match(message, /Authorize the Orange Cloud market to stream payments in OTTx\?/);
    assert.match(detail, /Market: 0x00000000000000000000000000000000000000aa/);
    assert.match(
      detail,
      /open, raise, lower and close payment flows from this wallet to providers/,
    );
    assert.match(detail, /only for this wallet's jobs while they run/);
    assert.match(detail, /at most 0.01 OTTx\/s in total/);
    assert.match(
      detail,
      /about 10000 core-starts at the dearest active provider \(0.000001 OTTx\/s per core\)/,
    );
    assert.match(detail, /not authorised yet/);
    assert.match(detail, /Available: 1000 OTTx/);
    assert.match(detail, /revoke it at any time/);
  });

  it('leaves out core-starts when no provider is active, and says what it replaces', () => {
    const { detail } = authorizationPrompt(
      status({ permissions: 7, flowRateAllowance: 3n * micro, complete: true }),
      10n ** 16n,
      0n,
    );
    assert.doesNotMatch(detail, /core-starts/);
    assert.match(detail, /replaces the allowance left now \(0.000003 OTTx\/s\)/);
  });
});
