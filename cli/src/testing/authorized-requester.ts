import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, homePaths, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork } from '@orange-cloud/provider-daemon/testing';
import { runCli } from './run-cli.js';

/**
 * A devnet with one provider, and a requester's home whose funded wallet (no passphrase) has
 * authorized the market: what every CLI e2e that runs jobs starts from.
 */
export interface AuthorizedRequester {
  net: LocalNetwork;
  /** The wallet's phrase, to give another home the same wallet. */
  mnemonic: string;
  home: string;
  /** ORANGE_HOME and an empty ORANGE_PASSPHRASE. */
  env: NodeJS.ProcessEnv;
  /** --rpc-url and --market of the devnet. */
  flags: string[];
  /** Stops the devnet and removes the home. */
  stop(): Promise<void>;
}

export async function startAuthorizedRequester(name: string): Promise<AuthorizedRequester> {
  const net = await LocalNetwork.start();
  await net.addProvider();
  const mnemonic = generateMnemonic();
  const home = await mkdtemp(join(tmpdir(), `orange-cli-${name}-`));
  await writeKeystore(homePaths(home).wallet, { mnemonic }, '');
  await fundOnDevnet(net.connection, walletFromSecret({ mnemonic }).account.address);
  const env = { ORANGE_HOME: home, ORANGE_PASSPHRASE: '' };
  const flags = ['--rpc-url', net.connection.rpcUrl, '--market', net.connection.marketAddress];
  const auth = await runCli(['pay', 'authorize', '--allowance', '0.005', ...flags], env);
  assert.equal(auth.code, 0, auth.stderr);
  return {
    net,
    mnemonic,
    home,
    env,
    flags,
    async stop() {
      await net.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
