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

describe('first start', () => {
  it('opens the walkthrough on the first start only', async () => {
    const state = memento();
    let opened = 0;
    const open = async () => opened++;
    assert.equal(await openWalkthroughOnce(state, open), true);
    assert.equal(await openWalkthroughOnce(state, open), false);
    assert.equal(opened, 1);
    assert.equal(state.values.get(WALKTHROUGH_SHOWN), true);
  });

  it('stores the flag before opening, so a failed open is not retried every start', async () => {
    const state = memento();
    await assert.rejects(
      openWalkthroughOnce(state, async () => {
        throw new Error('no window');
      }),
    );
    assert.equal(await openWalkthroughOnce(state, async () => undefined), false);
  });
});
