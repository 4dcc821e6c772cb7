import type * as vscode from 'vscode';
import { runtimeOptionsFor, type RuntimeDescriptor } from '@orange-cloud/sdk';

/** The quick pick's first row: leave the choice to the SDK (the file's type, Python's imports). */
const AUTOMATIC = 'Automatic';

/**
 * Run with Options' runtime step: shown only when more than one runtime on offer runs the file
 * (python3 and python-data for a `.py`). Returns the runtime picked, undefined for automatic,
 * or null when the user escaped (nothing runs).
 */
export async function askRuntime(
  vs: typeof vscode,
  entrypoint: string,
  advertised: readonly Pick<RuntimeDescriptor, 'name'>[],
): Promise<string | undefined | null> {
  const options = runtimeOptionsFor(entrypoint, advertised);
  if (options.length < 2) return undefined;
  const picked = await vs.window.showQuickPick(
    [
      {
        label: AUTOMATIC,
        description: 'chosen from the file and what it imports',
        runtime: undefined as string | undefined,
      },
      ...options.map((o) => ({ label: o.name, description: o.description, runtime: o.name })),
    ],
    {
      title: 'Orange Cloud: runtime',
      placeHolder: 'The runtimes providers offer for this file',
    },
  );
  return picked ? picked.runtime : null;
}
