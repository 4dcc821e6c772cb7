import assert from 'node:assert/strict';
import { OrangeError } from '../errors.js';
import type { ProviderMatch } from './quotes.js';
import { busyProviders, waited, waitingText } from './job-matching.js';

describe('waiting for a busy provider', () => {
  const declined = (code: 'CAPACITY' | 'REQUESTER') =>
    ({ status: 'declined', decline: { code, message: code } }) as unknown as ProviderMatch;
  const offline = { status: 'offline', reason: 'ECONNREFUSED' } as unknown as ProviderMatch;

  it('counts only the providers that declined for want of free cores or memory', () => {
    assert.equal(busyProviders([declined('CAPACITY'), declined('REQUESTER'), offline]), 1);
    assert.equal(busyProviders([declined('REQUESTER'), offline]), 0);
  });

  it('says who is busy and how long it waits', () => {
    assert.equal(
      waitingText(1, 120),
      'the provider that could run it is busy; waiting up to 120 s for one to free up (nothing is posted meanwhile)',
    );
    assert.match(waitingText(3, 5), /^3 providers that could run it are busy; waiting up to 5 s/);
  });

  it('adds how long it waited to the NO_OFFER at the end of a wait, and nothing otherwise', () => {
    const noOffer = new OrangeError('NO_OFFER', 'No offer to run the job (1 provider)', {
      hint: 'Try again shortly.',
    });
    const after = waited(noOffer, 1_000, 31_400);
    assert.ok(after instanceof OrangeError);
    assert.equal(after.code, 'NO_OFFER');
    assert.equal(
      after.message,
      'No offer to run the job (1 provider)\n(after waiting 30 s for one to free up)',
    );
    assert.equal(after.hint, 'Try again shortly.');
    assert.equal(waited(noOffer, undefined), noOffer, 'no wait, no change');
    const other = new Error('boom');
    assert.equal(waited(other, 1_000, 2_000), other);
  });
});
