import { orangeHome } from '@orange-cloud/sdk';
import { parseConfig, type ProviderConfig } from '../config.js';
import { readJsoncFile } from './jsonc-file.js';
import { checkFitsMachine, type Machine } from './machine.js';
import { CONFIG_ENV, applyOverrides, readOverrides, type OverrideFlags } from './overrides.js';
import { providerPaths } from './provider-paths.js';

export interface ConfigInputs {
  flags: OverrideFlags & { config?: string | undefined };
  env: NodeJS.ProcessEnv;
  machine: Machine;
}

/** The config file to read: --config, else ORANGE_PROVIDER_CONFIG, else the one init writes. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env[CONFIG_ENV] || providerPaths(orangeHome(env)).config;
}

/**
 * The daemon's configuration: the file, overridden by the environment, overridden by flags;
 * checked field by field, then against this machine. Throws CONFIG_INVALID naming the field
 * (or the flag or variable that set it) before anything touches the chain.
 */
export async function resolveConfig(
  inputs: ConfigInputs,
): Promise<{ path: string; config: ProviderConfig }> {
  const path = configPath(inputs.flags.config, inputs.env);
  const overrides = readOverrides(inputs.flags, inputs.env);
  const { raw, sources } = applyOverrides(await readJsoncFile(path), overrides);
  const config = parseConfig(raw);
  checkFitsMachine(config.policy, inputs.machine, sources);
  return { path, config };
}
