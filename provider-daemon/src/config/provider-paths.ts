import { join } from 'node:path';

/** Where `orange-provider init` puts the operator's files by default, under the Orange home. */
export const providerPaths = (home: string) => ({
  dir: join(home, 'provider'),
  config: join(home, 'provider', 'provider.jsonc'),
  keystore: join(home, 'provider', 'wallet.json'),
  stateDir: join(home, 'provider', 'state'),
});
