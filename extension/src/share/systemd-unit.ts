import type { LaunchPlan } from './daemon-launch.js';
import type { DaemonPaths } from './daemon-files.js';

export const UNIT_NAME = 'orange-cloud-share.service';

/** systemd quotes words with double quotes; a backslash or quote inside is escaped. */
const quote = (word: string) => `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * A systemd user unit that keeps the daemon running while VS Code is closed. The passphrase
 * comes from an environment file only the user can read, not from the unit.
 */
export function systemdUnit(plan: LaunchPlan, paths: DaemonPaths): string {
  const env = Object.entries(plan.env).map(([key, value]) => `Environment=${key}=${value}`);
  return [
    '[Unit]',
    'Description=Orange Cloud provider daemon (Share Compute from VS Code)',
    'After=network-online.target',
    '',
    '[Service]',
    `ExecStart=${[plan.command, ...plan.args].map(quote).join(' ')}`,
    `EnvironmentFile=${paths.envFile}`,
    ...env,
    'Restart=on-failure',
    'RestartSec=5',
    // The daemon lets running jobs finish on SIGTERM; give it its grace period and some.
    'TimeoutStopSec=90',
    `StandardOutput=append:${paths.log}`,
    `StandardError=append:${paths.log}`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}
