import { parseArgs } from 'node:util';
import { OrangeError } from '@orange-cloud/sdk';
import { loadConfig } from './config.js';
import { readAdminFile } from './admin/admin-file.js';
import type { ProviderStatus } from './observe/provider-status.js';
import { statusSummary } from './observe/status-summary.js';

const usage = `Usage: orange-provider status [--config FILE] [--json]

Prints what the running provider daemon of that config is doing: online or paused, capacity in
use, jobs running and served with what each earned. --json prints the admin /status JSON.
The config defaults to $ORANGE_PROVIDER_CONFIG.`;

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
  const configPath = values.config ?? process.env.ORANGE_PROVIDER_CONFIG;
  if (values.help || !configPath) {
    console.log(usage);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
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
