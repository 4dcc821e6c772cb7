import assert from 'node:assert/strict';
import type { JobView } from '@orange-cloud/sdk';
import { decide, type ProviderPolicy } from './criteria.js';

const me = '0x1111111111111111111111111111111111111111';
const requester = '0x2222222222222222222222222222222222222222';
const now = 1_000;

const policy: ProviderPolicy = {
  cores: 4,
  memoryMb: 4096,
  pricePerCoreSecond: 100n,
  runtimes: ['python3'],
  allowRequesters: [],
  denyRequesters: [],
};

const job = (overrides: Partial<JobView> = {}): JobView => ({
  jobId: 1n,
  requester,
  provider: undefined,
  name: 'a.py',
  runtime: 'python3',
  cores: 1,
  memoryMb: 512,
  timeoutSec: 60,
  maxPricePerCoreSecond: 100n,
  pricePerCoreSecond: undefined,
  manifestCid: 'bafy',
  status: 'posted',
  deadline: now + 60,
  postedBlock: 1n,
  kfrag: undefined,
  startedAt: undefined,
  resultCid: undefined,
  exitCode: undefined,
  flags: undefined,
  runSeconds: undefined,
  failureReason: undefined,
  payment: undefined,
  ...overrides,
});

const reason = (j: JobView, p: ProviderPolicy = policy, used = { cores: 0, memoryMb: 0 }) => {
  const d = decide(j, me, p, used, now);
  return d.take ? 'take' : d.reason;
};

describe('provider criteria', () => {
  it('takes a job it can serve', () => assert.equal(reason(job()), 'take'));
  it('takes a job offered to it', () => assert.equal(reason(job({ provider: me })), 'take'));
  it('skips a job offered to someone else', () =>
    assert.equal(
      reason(job({ provider: '0x3333333333333333333333333333333333333333' })),
      'offered to another provider',
    ));
  it('skips jobs that are no longer posted', () =>
    assert.equal(reason(job({ status: 'accepted' })), 'job is accepted'));
  it('skips a job past its acceptance window', () =>
    assert.equal(reason(job({ deadline: now - 1 })), 'acceptance window is over'));
  it('skips unknown runtimes', () =>
    assert.equal(reason(job({ runtime: 'node22' })), 'runtime node22 not offered'));
  it('skips jobs larger than the offer', () => {
    assert.equal(reason(job({ cores: 5 })), 'needs 5 cores, offering 4');
    assert.equal(reason(job({ memoryMb: 8192 })), 'needs 8192 MB, offering 4096 MB');
  });
  it('skips jobs whose ceiling is below the price', () =>
    assert.equal(reason(job({ maxPricePerCoreSecond: 99n })), 'price ceiling below our price'));
  it('honours deny and allow lists, case-insensitively', () => {
    assert.equal(
      reason(job(), { ...policy, denyRequesters: [requester.toUpperCase().replace('0X', '0x')] }),
      'requester is on the deny list',
    );
    assert.equal(
      reason(job(), { ...policy, allowRequesters: [me] }),
      'requester is not on the allow list',
    );
    assert.equal(reason(job(), { ...policy, allowRequesters: [requester] }), 'take');
  });
  it('counts capacity held by running jobs', () => {
    assert.equal(
      reason(job({ cores: 2 }), policy, { cores: 3, memoryMb: 0 }),
      'no free capacity right now',
    );
    assert.equal(reason(job(), policy, { cores: 0, memoryMb: 4000 }), 'no free capacity right now');
  });
});
