/** globalState key: the walkthrough was opened once on this machine. */
export const WALKTHROUGH_SHOWN = 'orangeCloud.walkthroughShown';

/** The part of VS Code's `globalState` the first start needs. */
export interface FirstStartState {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** The editor tabs as far as the walkthrough cares. */
export interface WelcomeTabs {
  /** Whether the active tab is the Welcome editor (the walkthroughs' page). */
  welcomeActive(): boolean;
}

/** Runs `check` after `ms` (setTimeout in VS Code; a fake clock in tests). */
export type Schedule = (check: () => void, ms: number) => void;

/** Delays before opening the walkthrough again, in ms (7.5 s in all). */
const REOPEN_AFTER_MS = [500, 1000, 2000, 4000];

/**
 * Opens the setup walkthrough on the first start on this machine, and never again: the flag
 * is stored before it opens, so a window that starts meanwhile does not open it a second time.
 * On a first start VS Code may not have registered the extension's walkthrough yet when it
 * opens; the Welcome editor then falls back to VS Code's own walkthrough, and the API cannot
 * tell them apart (both tabs read "Welcome"). So while the Welcome editor stays the active tab,
 * ours is opened again a few times over the first seconds (opening it again where it shows
 * changes nothing); once the user moved to another tab, nothing more is done.
 * Resolves true when it opened it now.
 */
export async function openWalkthroughOnce(
  state: FirstStartState,
  open: () => Thenable<unknown>,
  tabs: WelcomeTabs,
  schedule: Schedule,
): Promise<boolean> {
  if (state.get<boolean>(WALKTHROUGH_SHOWN)) return false;
  await state.update(WALKTHROUGH_SHOWN, true);
  await open();
  const check = (attempt: number) => {
    if (!tabs.welcomeActive()) return;
    void Promise.resolve(open()).catch(() => undefined);
    const next = REOPEN_AFTER_MS[attempt + 1];
    if (next !== undefined) schedule(() => check(attempt + 1), next);
  };
  schedule(() => check(0), REOPEN_AFTER_MS[0]!);
  return true;
}
