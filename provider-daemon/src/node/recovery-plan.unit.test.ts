import assert from 'node:assert/strict';
import type { JobView } from '@orange-cloud/sdk';
import type { JobContainer } from '../sandbox/types.js';
import type { JobRecord } from '../state/types.js';
import {
  REASON_CANNOT_REATTACH,
  REASON_CONTAINER_GONE,
  REASON_START_INTERRUPTED,
  planRecovery,
  type RecoveryAction,
  type RecoveryInput,
} from './recovery-plan.js';
import { PROVIDER, hiredJob } from './test-fakes.js';

const NOW = 1_000_000;
const OTHER = '0x00000000000000000000000000000000000000f6';

const running = (jobId: bigint, o: Partial<JobView> = {}) =>
  hiredJob(jobId, { status: 'running', deadline: NOW + 60, startedAt: NOW - 5, ...o });
const accepted = (jobId: bigint, o: Partial<JobView> = {}) =>
  hiredJob(jobId, { status: 'accepted', deadline: NOW + 60, ...o });

function record(jobId: bigint, o: Partial<JobRecord> = {}): JobRecord {
  return {
    jobId,
    offerNonce: 1n,
    state: 'running',
    requester: OTHER,
    runtime: 'python3',
    ratePerSecondWei: 1n,
    hiredAt: NOW - 10,
    containerId: `c${jobId}`,
    markerNonce: 'ab'.repeat(16),
    manifest: new Uint8Array([1, 2, 3]),
    startedAt: NOW - 5,
    endedAt: undefined,
    runSeconds: undefined,
    earnedWei: undefined,
    reason: undefined,
    ...o,
  };
}

const container = (jobId: bigint, state: JobContainer['state'] = 'running', id = `c${jobId}`) => ({
  containerId: id,
  jobId: jobId.toString(),
  state,
});

function plan(input: Partial<RecoveryInput>): RecoveryAction[] {
  return planRecovery({
    me: PROVIDER,
    nowSec: NOW,
    chainJobs: [],
    records: [],
    containers: [],
    ...input,
  });
}

/** The actions, short: `kind jobId [container|reason]`. */
const brief = (actions: RecoveryAction[]) =>
  actions.map((a) => {
    switch (a.kind) {
      case 'resume':
        return `resume ${a.job.jobId} ${a.containerId}`;
      case 'start':
      case 'expire':
        return `${a.kind} ${a.job.jobId}`;
      case 'fail':
        return `fail ${a.job.jobId} ${a.reason}`;
      case 'remove':
        return `remove ${a.jobId} ${a.containerId}`;
      case 'record':
        return `record ${a.jobId} ${a.state}`;
    }
  });

describe('planRecovery', () => {
  it('resumes a running job whose written-down container still runs', () => {
    const actions = plan({
      chainJobs: [running(1n)],
      records: [record(1n)],
      containers: [container(1n)],
    });
    assert.deepEqual(brief(actions), ['resume 1 c1']);
    const resume = actions[0] as Extract<RecoveryAction, { kind: 'resume' }>;
    assert.equal(resume.markerNonce, 'ab'.repeat(16));
    assert.deepEqual(resume.manifest, new Uint8Array([1, 2, 3]), 'the manifest kept');
  });

  it('resumes a running job whose container ended while the daemon was down', () => {
    const actions = plan({
      chainJobs: [running(1n)],
      records: [record(1n)],
      containers: [container(1n, 'stopped')],
    });
    assert.deepEqual(brief(actions), ['resume 1 c1']);
  });

  it('fails a running job whose container is gone, with a reason', () => {
    assert.deepEqual(brief(plan({ chainJobs: [running(1n)], records: [record(1n)] })), [
      `fail 1 ${REASON_CONTAINER_GONE}`,
    ]);
  });

  it('fails, and removes the container of, a running job it cannot re-attach to', () => {
    // Not written down (the daemon died between the create and the write), never started, or
    // written down without its marker nonce: its output cannot be read as the job's.
    for (const [rec, state] of [
      [record(1n, { containerId: undefined, markerNonce: undefined, state: 'hired' }), 'running'],
      [record(1n), 'created'],
      [record(1n, { markerNonce: undefined }), 'running'],
    ] as const) {
      const actions = plan({
        chainJobs: [running(1n)],
        records: [rec],
        containers: [container(1n, state)],
      });
      assert.deepEqual(brief(actions), ['remove 1 c1', `fail 1 ${REASON_CANNOT_REATTACH}`]);
    }
  });

  it('keeps one container per job: a second one is removed, never followed', () => {
    const actions = plan({
      chainJobs: [running(1n)],
      records: [record(1n)],
      containers: [container(1n, 'running', 'stray'), container(1n)],
    });
    assert.deepEqual(brief(actions), ['remove 1 stray', 'resume 1 c1']);
  });

  it('starts a job hired and not started while its start window is open', () => {
    const actions = plan({ chainJobs: [accepted(1n)], records: [record(1n, { state: 'hired' })] });
    assert.deepEqual(brief(actions), ['start 1']);
    // Hired while the daemon was down: not in the database at all.
    assert.deepEqual(brief(plan({ chainJobs: [accepted(2n)] })), ['start 2']);
  });

  it('never starts a second container: a hired job with one is failed', () => {
    const actions = plan({ chainJobs: [accepted(1n)], containers: [container(1n, 'created')] });
    assert.deepEqual(brief(actions), ['remove 1 c1', `fail 1 ${REASON_START_INTERRUPTED}`]);
  });

  it('expires jobs past their deadline, removing their containers', () => {
    const actions = plan({
      chainJobs: [accepted(1n, { deadline: NOW - 1 }), running(2n, { deadline: NOW - 1 })],
      records: [record(2n)],
      containers: [container(2n)],
    });
    assert.deepEqual(brief(actions), ['expire 1', 'remove 2 c2', 'expire 2']);
  });

  it("leaves other providers' jobs alone and removes containers of jobs not open here", () => {
    const actions = plan({
      chainJobs: [
        running(1n, { provider: OTHER }),
        hiredJob(2n, { status: 'completed' }),
        accepted(3n, { provider: OTHER }),
      ],
      containers: [container(2n, 'stopped'), container(9n)],
    });
    assert.deepEqual(brief(actions), ['remove 2 c2', 'remove 9 c9']);
  });

  it('writes down how jobs ended on chain while the daemon was down', () => {
    const actions = plan({
      chainJobs: [
        hiredJob(1n, { status: 'cancelled' }),
        hiredJob(2n, { status: 'failed', failureReason: 'unpaid' }),
        hiredJob(3n, { status: 'completed' }),
      ],
      records: [record(1n), record(2n), record(4n)],
    });
    assert.deepEqual(brief(actions), ['record 1 cancelled', 'record 2 failed', 'record 4 failed']);
    assert.equal((actions[1] as { reason: string }).reason, 'unpaid');
  });
});
