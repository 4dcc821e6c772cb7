/** What a run showed live, and what the verified result says it printed. */
export interface Printed {
  stdout: string;
  stderr: string;
}

/**
 * What of the verified output still needs showing after the live stream: nothing when
 * the live stream showed it all (a cancelled or finished run's output appears once), the
 * tail the live stream missed when it dropped early, or all of it, marked, when the two
 * disagree (the verified result is what the provider signed and stored).
 */
export function unshownOutput(
  live: Printed,
  verified: Printed,
): { kind: 'none' } | { kind: 'rest'; rest: Printed } | { kind: 'differs' } {
  const rest = (shown: string, stored: string) =>
    stored.startsWith(shown)
      ? stored.slice(shown.length)
      : shown.startsWith(stored)
        ? ''
        : undefined;
  const stdout = rest(live.stdout, verified.stdout);
  const stderr = rest(live.stderr, verified.stderr);
  if (stdout === undefined || stderr === undefined) return { kind: 'differs' };
  if (stdout === '' && stderr === '') return { kind: 'none' };
  return { kind: 'rest', rest: { stdout, stderr } };
}
