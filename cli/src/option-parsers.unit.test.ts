import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { getAddress, isAddress as viemIsAddress } from 'viem';
import { address, isAddress, positive, wei } from './option-parsers.js';

describe('option parsers', () => {
  it('accept exactly the addresses viem accepts', () => {
    const checksummed = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3');
    const samples = [
      checksummed,
      checksummed.toLowerCase(),
      checksummed.toUpperCase().replace('0X', '0x'),
      checksummed.slice(0, -1) + (checksummed.endsWith('3') ? '4' : '3'),
      '0xcfA132E353cB4E398080B9700609bb008eceB125',
      '0xcfA132E353cB4E398080B9700609bb008eceB12',
      '0xcfa132E353cB4E398080B9700609bb008eceB125',
      '0x000000000000000000000000000000000000dEaD',
      'cfA132E353cB4E398080B9700609bb008eceB125',
      '0xzz0000000000000000000000000000000000dEaD',
    ];
    for (const sample of samples) assert.equal(isAddress(sample), viemIsAddress(sample), sample);
  });

  it('reject bad values with the words commander prints', () => {
    assert.throws(() => address('0x12'), new InvalidArgumentError('must be a 0x address.'));
    assert.throws(
      () => positive('--cpus')('many'),
      new InvalidArgumentError('--cpus must be a positive whole number.'),
    );
    assert.throws(() => wei('1.5'), new InvalidArgumentError('must be a whole number of wei.'));
    assert.equal(wei('1000'), 1000n);
    assert.equal(positive('--cpus')('2'), 2);
  });
});
