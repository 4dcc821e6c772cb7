/** globalState key: the walkthrough was opened once on this machine. */
export const WALKTHROUGH_SHOWN = 'orangeCloud.walkthroughShown';

/** The part of VS Code's `globalState` the first start needs. */
export interface FirstStartState {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/**
 * Opens the setup walkthrough on the first start on this machine, and never again: the flag
 * is stored before it opens, so a window that starts meanwhile does not open it a second time.
 * Resolves true when it opened it now.
 */
export async function openWalkthroughOnce(
  state: FirstStartState,
  open: () => Thenable<unknown>,
): Promise<boolean> {
  if (state.get<boolean>(WALKTHROUGH_SHOWN)) return false;
  await state.update(WALKTHROUGH_SHOWN, true);
  await open();
  return true;
}
