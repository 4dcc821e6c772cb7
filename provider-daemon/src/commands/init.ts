import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { orangeHome } from '@orange-cloud/sdk';
import { thisMachine } from '../config/machine.js';
import { configPath } from '../config/resolve-config.js';
import { initProvider } from '../init/init-command.js';

export const initUsage = `Usage: orange-provider init [--config FILE] [--cores N] [--memory MB] [--price WEI]
                          [--runtimes a,b] [--network devnet|NAME|URL[,URL...]]
                          [--market 0x... --chain-id N [--deploy-block N]]
                          [--import-key FILE | --keystore FILE] [--passphrase-env NAME]
                          [--yes] [--force]

Writes a commented provider config (default: provider/provider.jsonc in the Orange
home) and a keystore beside it: a new key, the key in --import-key FILE (a private
key or a mnemonic), or the keystore --keystore FILE as it is. Defaults: half the
cores, half the memory, every runtime whose image is present, the devnet. A new
keystore is encrypted with the passphrase in $ORANGE_PROVIDER_PASSPHRASE (or
--passphrase-env NAME); an empty one is refused outside the devnet. Existing files
are kept unless --force. --yes writes without asking.`;

/** `orange-provider init`. */
export async function initCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      cores: { type: 'string' },
      memory: { type: 'string' },
      price: { type: 'string' },
      runtimes: { type: 'string' },
      network: { type: 'string' },
      market: { type: 'string' },
      'chain-id': { type: 'string' },
      'deploy-block': { type: 'string' },
      'import-key': { type: 'string' },
      keystore: { type: 'string' },
      'passphrase-env': { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(initUsage);
    return;
  }
  await initProvider(
    { ...values, config: configPath(values.config, process.env) },
    {
      env: process.env,
      home: orangeHome(process.env),
      machine: thisMachine(),
      print: (line) => console.log(line),
      confirm: process.stdin.isTTY ? askYesNo : undefined,
    },
  );
}

async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
