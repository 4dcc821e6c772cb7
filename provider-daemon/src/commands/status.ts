import { parseArgs } from 'node:util';
import { OrangeError } from '@orange-cloud/sdk';
import { loadConfig } from '../config.js';
import { configPath as resolveConfigPath } from '../config/resolve-config.js';
import { readAdminFile } from '../admin/admin-file.js';
import type { ProviderStatus } from '../observe/provider-status.js';
import { statusSummary } from '../observe/status-summary.js';

export const statusUsage = `Usage: orange-provider status [--config FILE] [--json]

Prints what the running provider daemon of that config is doing: online or paused, capacity in
use, jobs running and served with what each earned. --json prints the admin /status JSON.
The config is --config, else $ORANGE_PROVIDER_CONFIG, else the one \`orange-provider init\` writes.`;

/** `orange-provider status`: reads `<stateDir>/admin.json` and asks the daemon's /status. */
export async function statusCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(statusUsage);
    return;
  }
  const configPath = resolveConfigPath(values.config, process.env);
  const { stateDir } = await loadConfig(configPath);
  const admin = await readAdminFile(stateDir);
  let response: Response;
  try {
    response = await fetch(`${admin.url}/status`, {
      headers: { authorization: `Bearer ${admin.token}` },
      signal: AbortSignal.timeout(5_000),
    });
  } catch (error) {
    throw new OrangeError(
      'PROVIDER_NOT_RUNNING',
      `The provider daemon (pid ${admin.pid}) does not answer at ${admin.url}.`,
      {
        hint: 'It may have been killed: start it again (it rewrites admin.json).',
        cause: error,
      },
    );
  }
  if (!response.ok)
    throw new OrangeError(
      'PROVIDER_NOT_RUNNING',
      `The provider daemon at ${admin.url} answered ${response.status} to /status.`,
      { hint: 'Another daemon may use this state directory: restart it.' },
    );
  const status = (await response.json()) as ProviderStatus;
  console.log(
    values.json
      ? JSON.stringify(status, null, 2)
      : statusSummary(status, Math.floor(Date.now() / 1000)),
  );
}
