import * as path from 'node:path';
import { findDevnetLauncher, type LauncherHost } from './devnet-launcher.js';

/** What Start Devnet would run, or everything missing for it, in words for the user. */
export type DevnetReadiness =
  { ok: true; cli: string; folder: string } | { ok: false; missing: string[]; reason: string };

/** The machine as the readiness check sees it: injected so tests use fakes. */
export interface ReadinessHost extends LauncherHost {
  exists: (file: string) => boolean;
  platform: string;
  arch: string;
  /** Undefined when a Docker engine answers; else why not ("no engine answers at …"). */
  dockerProblem: () => Promise<string | undefined>;
}

/**
 * Whether Start Devnet can work here, checked before it is offered: the project's own CLI
 * (`@orange-cloud/cli`), the anvil binary that CLI starts (`@foundry-rs/anvil-<os>-<cpu>`,
 * resolved beside it), and a Docker engine for the devnet's provider. Everything missing is
 * named at once, instead of `devnet up` failing in a terminal half-way.
 */
export async function checkDevnetReadiness(
  folders: string[],
  host: ReadinessHost,
): Promise<DevnetReadiness> {
  const missing: string[] = [];
  const launcher = findDevnetLauncher(folders, host);
  if (!launcher.ok) {
    missing.push(
      folders.length === 0
        ? 'an open project folder that depends on @orange-cloud/cli'
        : "the project's own Orange Cloud CLI (none of the open folders depends on @orange-cloud/cli: npm i -D @orange-cloud/cli)",
    );
  } else if (!anvilInstalled(launcher.cli, host)) {
    missing.push(
      `anvil for ${host.platform}-${host.arch} beside the CLI (@foundry-rs/anvil: run npm install in ${launcher.folder})`,
    );
  }
  const docker = await host.dockerProblem();
  if (docker !== undefined) missing.push(`a running Docker engine (${docker})`);
  if (launcher.ok && missing.length === 0) return launcher;
  return {
    ok: false,
    missing,
    reason: `Start Devnet cannot start one here; it needs ${missing.join('; ')}.`,
  };
}

/** The anvil binary the CLI's SDK starts (see anvilBinary in the SDK's devnet module). */
function anvilInstalled(cli: string, host: ReadinessHost): boolean {
  const arch = host.arch === 'x64' ? 'amd64' : host.arch;
  const request = `@foundry-rs/anvil-${host.platform}-${arch}/package.json`;
  try {
    const manifest = host.resolve(request, [path.dirname(cli)]);
    const binary = path.join(
      path.dirname(manifest),
      'bin',
      host.platform === 'win32' ? 'anvil.exe' : 'anvil',
    );
    return host.exists(binary);
  } catch {
    return false;
  }
}
