import * as assert from 'node:assert/strict';
import { WALKTHROUGH_SHOWN, openWalkthroughOnce, type FirstStartState } from './first-start.js';

const memento = (): FirstStartState & { values: Map<string, unknown> } => {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => void values.set(key, value),
  };
};

/** Editor tabs whose labels the test sets, and a clock the test advances. */
const fakeWindow = () => {
  let active = 'hello.py';
  const pending: { at: number; check: () => void }[] = [];
  let now = 0;
  return {
    tabs: { welcomeActive: () => active === 'Welcome' },
    schedule: (check: () => void, ms: number) => void pending.push({ at: now + ms, check }),
    /** Makes this tab the active one. */
    show: (label: string) => void (active = label),
    /** Runs every check due within `ms`. */
    advance(ms: number) {
      const target = now + ms;
      for (;;) {
        pending.sort((a, b) => a.at - b.at);
        const next = pending[0];
        if (!next || next.at > target) break;
        pending.shift();
        now = next.at;
        next.check();
      }
      now = target;
    },
    waiting: () => pending.length,
  };
};

describe('first start', () => {
  it('opens the walkthrough on the first start only', async () => {
    const state = memento();
    const window = fakeWindow();
    let opened = 0;
    const open = async () => opened++;
    assert.equal(await openWalkthroughOnce(state, open, window.tabs, window.schedule), true);
    window.show('hello.py');
    window.advance(60_000);
    assert.equal(await openWalkthroughOnce(state, open, window.tabs, window.schedule), false);
    assert.equal(opened, 1);
    assert.equal(state.values.get(WALKTHROUGH_SHOWN), true);
  });

  it('opens it again while the Welcome editor stays active, then lets go', async () => {
    const window = fakeWindow();
    let opened = 0;
    await openWalkthroughOnce(memento(), async () => opened++, window.tabs, window.schedule);
    window.show('Welcome');
    window.advance(500);
    assert.equal(opened, 2);
    window.advance(1000);
    assert.equal(opened, 3);
    // The user moved on: nothing more, not even when the Welcome tab is active again.
    window.show('hello.py');
    window.advance(2000);
    assert.equal(window.waiting(), 0);
    window.show('Welcome');
    window.advance(60_000);
    assert.equal(opened, 3);
  });

  it('stops after the first seconds', async () => {
    const window = fakeWindow();
    let opened = 0;
    await openWalkthroughOnce(memento(), async () => opened++, window.tabs, window.schedule);
    window.show('Welcome');
    window.advance(60_000);
    assert.equal(opened, 5);
    assert.equal(window.waiting(), 0);
  });

  it('stores the flag before opening, so a failed open is not retried every start', async () => {
    const state = memento();
    const window = fakeWindow();
    await assert.rejects(
      openWalkthroughOnce(
        state,
        async () => {
          throw new Error('no window');
        },
        window.tabs,
        window.schedule,
      ),
    );
    assert.equal(window.waiting(), 0);
    assert.equal(
      await openWalkthroughOnce(state, async () => undefined, window.tabs, window.schedule),
      false,
    );
  });
});
