import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's Orange Cloud directory: keystore, devnet state, IPFS repo.
 * ORANGE_HOME wins (tests and side-by-side setups use it), then the XDG
 * config directory.
 */
export function orangeHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ORANGE_HOME) return env.ORANGE_HOME;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'orange-cloud');
}

export const homePaths = (home: string) => ({
  wallet: join(home, 'wallet.json'),
  devnetDir: join(home, 'devnet'),
  devnetState: join(home, 'devnet', 'devnet.json'),
  /** The devnet's demo wallet (no passphrase): used on the devnet only, never on another network. */
  devnetWallet: join(home, 'devnet', 'wallet.json'),
  requesterIpfs: join(home, 'ipfs'),
  /** Dependency wheels fetched for a runtime, by a hash of the request (see WheelCache). */
  wheelCache: join(home, 'wheels'),
  /** npm dependency trees prepared for a runtime, by a hash of the request (see resolveNpmDependencies). */
  npmCache: join(home, 'npm'),
});
