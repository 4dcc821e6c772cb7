import { DAEMON_NODE_FLAGS } from '@orange-cloud/provider-daemon/node-flags';
import { OrangeError } from '@orange-cloud/sdk';

/** The Node the daemon needs: 22.5 brought node:sqlite, which its job database uses. */
export const MIN_NODE = [22, 5] as const;

/** Where the extension itself runs: VS Code's extension host. */
export interface LaunchHost {
  execPath: string;
  versions: { node: string; electron?: string };
}

/** A `node` found on PATH, with what `node -p process.versions.node` printed. */
export interface NodeCandidate {
  path: string;
  version: string;
}

export interface LaunchPlan {
  command: string;
  args: string[];
  /** Added to the environment the daemon inherits. */
  env: Record<string, string>;
  /** Which Node runs it, for the log: "the extension host's Node 22.20.0". */
  node: string;
}

const parse = (version: string) => version.replace(/^v/, '').split('.').map(Number);

export function nodeIsRecentEnough(version: string): boolean {
  const [major = 0, minor = 0] = parse(version);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** node:sqlite is behind a flag before 22.13 (and 23.4). */
function sqliteFlag(version: string): string[] {
  const [major = 0, minor = 0] = parse(version);
  const flagged = (major === 22 && minor < 13) || (major === 23 && minor < 4);
  return flagged ? ['--experimental-sqlite'] : [];
}

/**
 * How to start the bundled daemon: on the extension host's own runtime when its Node is recent
 * enough (Electron runs as plain Node with ELECTRON_RUN_AS_NODE), else on a recent `node` from
 * PATH. Neither: an error saying what to install.
 */
export function launchPlan(
  host: LaunchHost,
  onPath: readonly NodeCandidate[],
  daemonScript: string,
  configFile: string,
): LaunchPlan {
  const script = [daemonScript, '--config', configFile];
  if (nodeIsRecentEnough(host.versions.node)) {
    const electron = host.versions.electron !== undefined;
    return {
      command: host.execPath,
      args: [...DAEMON_NODE_FLAGS, ...sqliteFlag(host.versions.node), ...script],
      env: electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
      node: `the extension host's Node ${host.versions.node}`,
    };
  }
  const found = onPath.find((candidate) => nodeIsRecentEnough(candidate.version));
  if (found) {
    return {
      command: found.path,
      args: [...DAEMON_NODE_FLAGS, ...sqliteFlag(found.version), ...script],
      env: {},
      node: `Node ${found.version.replace(/^v/, '')} at ${found.path}`,
    };
  }
  const seen = onPath.map((c) => `${c.path} is ${c.version}`).join('; ');
  throw new OrangeError(
    'NODE_MISSING',
    `Sharing compute needs Node.js ${MIN_NODE.join('.')} or later: VS Code runs extensions on Node ${host.versions.node}${seen ? `, and ${seen}` : ', and there is no node on PATH'}.`,
    {
      hint: 'Install Node.js 22 LTS (or later) so that `node` is on PATH, then start sharing again.',
    },
  );
}
