import * as assert from 'node:assert/strict';
import { ReconnectProbe, type ProbeClock } from './reconnect-probe.js';

/** A clock whose timers run when the test says so; it records every wait. */
class ManualClock implements ProbeClock {
  readonly waits: number[] = [];
  private pending: (() => void) | undefined;

  setTimeout(run: () => void, ms: number) {
    this.waits.push(ms);
    this.pending = run;
    return this.waits.length;
  }

  clearTimeout() {
    this.pending = undefined;
  }

  get armed() {
    return this.pending !== undefined;
  }

  /** Runs the pending timer and lets the probe's promise settle. */
  async fire() {
    const run = this.pending;
    this.pending = undefined;
    run?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('reconnect probe', () => {
  it('waits longer after each failure, up to the cap, and reports the first success once', async () => {
    const clock = new ManualClock();
    const answers = [false, false, false, false, true];
    let online = 0;
    const probe = new ReconnectProbe({
      probe: async () => answers.shift() ?? true,
      onOnline: () => (online += 1),
      clock,
      firstDelayMs: 1000,
      maxDelayMs: 5000,
    });
    probe.start();
    probe.start(); // a second start while probing changes nothing
    for (let i = 0; i < 5; i += 1) await clock.fire();
    assert.deepEqual(clock.waits, [1000, 2000, 4000, 5000, 5000]);
    assert.equal(online, 1);
    assert.equal(probe.attempts, 5);
    assert.equal(probe.running, false);
    assert.equal(clock.armed, false);
  });

  it('counts a throwing probe as still down', async () => {
    const clock = new ManualClock();
    let online = 0;
    const probe = new ReconnectProbe({
      probe: () => Promise.reject(new Error('ECONNREFUSED')),
      onOnline: () => (online += 1),
      clock,
    });
    probe.start();
    await clock.fire();
    assert.equal(online, 0);
    assert.equal(probe.running, true);
    assert.equal(clock.armed, true);
  });

  it('stops probing when stopped', async () => {
    const clock = new ManualClock();
    let probes = 0;
    const probe = new ReconnectProbe({
      probe: async () => ((probes += 1), false),
      onOnline: () => assert.fail('not online'),
      clock,
    });
    probe.start();
    probe.stop();
    await clock.fire();
    assert.equal(probes, 0);
    assert.equal(probe.running, false);
  });
});
