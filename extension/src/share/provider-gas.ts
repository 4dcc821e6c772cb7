import { MarketClient, OrangeError, type MarketConnection } from '@orange-cloud/sdk';
import { DEVNET_FUNDING, fundOnDevnet } from '@orange-cloud/sdk/devnet';

/** Enough ether for a registration and some job transactions on any of the supported chains. */
const MIN_GAS_WEI = 10n ** 16n;

/**
 * The provider key pays gas to register and to start and finish jobs. On the devnet it is given
 * ether in one step (no payment token: it earns that); elsewhere a key without ether is an error
 * that names its address.
 */
export async function ensureProviderGas(
  connection: MarketConnection,
  address: `0x${string}`,
  network: string,
): Promise<void> {
  const balance = await new MarketClient(connection).publicClient.getBalance({ address });
  if (balance >= MIN_GAS_WEI) return;
  if (network === 'devnet') {
    await fundOnDevnet(connection, address, { ether: DEVNET_FUNDING.ether, tokens: 0n });
    return;
  }
  throw new OrangeError(
    'INSUFFICIENT_FUNDS',
    `The provider key ${address} has no ether for gas on ${network}.`,
    { hint: `Send a little ETH (0.01 is plenty) to ${address}, then start sharing again.` },
  );
}
