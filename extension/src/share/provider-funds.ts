import { MarketClient, OrangeError, type MarketConnection } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';

/** Enough ether for a registration and some job transactions on any of the supported chains. */
const MIN_GAS_WEI = 10n ** 16n;

/**
 * The provider key pays gas to register and to start and finish jobs, and deposits a bond in the
 * payment token (a running job's refund comes from it). On the devnet a new key is given both
 * in one step; elsewhere a key without ether is an error that names its address (the daemon
 * itself says so when the bond cannot be deposited).
 */
export async function ensureProviderFunds(
  connection: MarketConnection,
  address: `0x${string}`,
  network: string,
): Promise<void> {
  const balance = await new MarketClient(connection).publicClient.getBalance({ address });
  if (balance >= MIN_GAS_WEI) return;
  if (network === 'devnet') {
    await fundOnDevnet(connection, address);
    return;
  }
  throw new OrangeError(
    'INSUFFICIENT_FUNDS',
    `The provider key ${address} has no ether for gas on ${network}.`,
    {
      hint: `Send a little ETH (0.01 is plenty) and, for its bond, some of the market's payment token to ${address}, then start sharing again.`,
    },
  );
}
