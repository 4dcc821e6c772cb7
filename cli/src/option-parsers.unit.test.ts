import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { getAddress, isAddress as viemIsAddress } from 'viem';
import {
  MAX_PROJECT_MB,
  address,
  isAddress,
  positive,
  projectMb,
  seconds,
  wei,
} from './option-parsers.js';
import { MAX_PAYLOAD_BYTES } from '@orange-cloud/sdk';

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
    assert.equal(seconds('0'), 0);
    for (const bad of ['1.5', '-1', '86401', ''])
      assert.throws(
        () => seconds(bad),
        new InvalidArgumentError('must be a whole number of seconds (at most 86400).'),
      );
  });

  it('bound --max-project-mb by what a provider fetches for one job', () => {
    assert.equal(MAX_PROJECT_MB * 1024 * 1024, MAX_PAYLOAD_BYTES);
    assert.equal(projectMb('64'), 64);
    assert.throws(
      () => projectMb('65'),
      new InvalidArgumentError('providers fetch at most 64 MiB per job.'),
    );
    assert.throws(() => projectMb('0'), /--max-project-mb must be a positive whole number/);
  });
});
