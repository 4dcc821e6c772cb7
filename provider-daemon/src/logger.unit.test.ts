import assert from 'node:assert/strict';
import { consoleLogger } from './logger.js';

describe('logger', () => {
  it('writes text lines with the job id first', () => {
    const lines: string[] = [];
    consoleLogger((l) => lines.push(l)).info('completed job', { exitCode: 0, job: 12n });
    assert.match(lines[0]!, /^\S+Z info completed job job=12 exitCode=0$/);
  });
  it('writes one JSON object a line in json mode, bigints as decimal strings', () => {
    const lines: string[] = [];
    consoleLogger((l) => lines.push(l), 'json').error('job failed', {
      reason: 'boom',
      job: 7n,
      wei: 10n ** 20n,
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 'error');
    assert.equal(line.msg, 'job failed');
    assert.equal(line.job, '7');
    assert.equal(line.wei, '100000000000000000000');
    assert.equal(line.reason, 'boom');
    assert.ok(!Number.isNaN(Date.parse(line.time as string)));
  });
});
