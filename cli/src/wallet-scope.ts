import { OrangeError, homePaths, keystoreExists, keystoreInfo } from '@orange-cloud/sdk';

/** The only network a keystore without a passphrase may be used on. */
export const DEVNET = 'devnet';

/**
 * Which keystore a command on `network` opens. The user's wallet wherever it is protected;
 * on the devnet, the user's wallet or else the devnet's demo wallet. A keystore without a
 * passphrase (the demo wallet, or one an earlier release created in its place) is never the
 * wallet on another network: anyone who can read the file would hold real funds.
 */
export async function keystoreFor(home: string, network: string): Promise<string> {
  const paths = homePaths(home);
  const onDevnet = network === DEVNET;
  if (await keystoreExists(paths.wallet)) {
    if (!onDevnet && !(await keystoreInfo(paths.wallet)).protected) {
      throw new OrangeError(
        'WALLET_DEVNET_ONLY',
        `The wallet at ${paths.wallet} has no passphrase: it is used on the devnet only, not on ${network}.`,
        {
          hint: 'For another network, create a wallet with a passphrase (`orange wallet create --force`) or import yours with one (`orange wallet import --force`).',
        },
      );
    }
    return paths.wallet;
  }
  if (onDevnet && (await keystoreExists(paths.devnetWallet))) return paths.devnetWallet;
  const demo = !onDevnet && (await keystoreExists(paths.devnetWallet));
  throw new OrangeError(
    'NO_WALLET',
    demo
      ? `No wallet for ${network}: the devnet's demo wallet is kept to the devnet.`
      : `No wallet found at ${paths.wallet}.`,
    { hint: 'Run `orange wallet create` or `orange wallet import` first.' },
  );
}
