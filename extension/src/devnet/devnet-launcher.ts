import * as path from 'node:path';

/** How Start Devnet runs the devnet, or why it cannot here. */
export type DevnetLauncher =
  { ok: true; cli: string; folder: string } | { ok: false; reason: string };

/** `require.resolve` with search paths, and a JSON reader: injected so tests use fakes. */
export interface LauncherHost {
  resolve: (request: string, paths: string[]) => string;
  readJson: (file: string) => { bin?: string | Record<string, string> };
}

/**
 * The Orange Cloud CLI the workspace itself depends on (`@orange-cloud/cli` resolved from its
 * folders), never `npx orange`: outside this project that name is an unrelated public package.
 */
export function findDevnetLauncher(folders: string[], host: LauncherHost): DevnetLauncher {
  for (const folder of folders) {
    let manifest: string;
    try {
      manifest = host.resolve('@orange-cloud/cli/package.json', [folder]);
    } catch {
      continue;
    }
    const { bin } = host.readJson(manifest);
    const relative = typeof bin === 'string' ? bin : bin?.orange;
    if (!relative) continue;
    return { ok: true, cli: path.join(path.dirname(manifest), relative), folder };
  }
  return {
    ok: false,
    reason:
      folders.length === 0
        ? 'Start Devnet runs the Orange Cloud CLI of the open project, and no folder is open.'
        : 'Start Devnet runs the Orange Cloud CLI of the open project, and none of its folders depends on @orange-cloud/cli.',
  };
}

/** The terminal command: this Node runs the resolved CLI's `devnet up` (quoted for a POSIX shell). */
export function devnetCommand(node: string, cli: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  return `${quote(node)} ${quote(cli)} devnet up`;
}
