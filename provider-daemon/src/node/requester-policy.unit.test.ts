import assert from 'node:assert/strict';
import { requesterRefusal } from './requester-policy.js';

const alice = '0xAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa';
const bob = '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB';
const open = { allowRequesters: [], denyRequesters: [] };

describe('requester policy', () => {
  it('serves everyone, named or not, without lists', () => {
    assert.equal(requesterRefusal(open, alice), undefined);
    assert.equal(requesterRefusal(open, undefined), undefined);
  });

  it('keeps the deny list, whatever the case of the address', () => {
    const policy = { ...open, denyRequesters: [bob] };
    assert.equal(requesterRefusal(policy, bob.toLowerCase()), 'requester is on the deny list');
    assert.equal(requesterRefusal(policy, alice), undefined);
  });

  it('serves only the allow list when there is one', () => {
    const policy = { ...open, allowRequesters: [alice.toLowerCase()] };
    assert.equal(requesterRefusal(policy, alice), undefined);
    assert.equal(requesterRefusal(policy, bob), 'requester is not on the allow list');
  });

  it('refuses an unnamed requester when either list is set (an open offer would pass it)', () => {
    assert.equal(
      requesterRefusal({ ...open, denyRequesters: [bob] }, undefined),
      'serves only named requesters',
    );
    assert.equal(
      requesterRefusal({ ...open, allowRequesters: [alice] }, undefined),
      'serves only named requesters',
    );
  });
});
