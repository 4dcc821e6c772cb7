import { createPublicClient, createWalletClient, http, type Address } from 'viem';
import {
  MarketClient,
  NETWORK_PRESETS,
  deployMarket,
  marketChain,
  rpcUnreachable,
  walletFromSecret,
} from '@orange-cloud/sdk';
import { loadSecret } from '../context.js';
import { toJson } from '../format.js';

export interface DeployOptions {
  rpcUrl: string;
  superToken: Address;
  forwarder: Address;
  json?: boolean;
}

/** `orange deploy`: the market contract on any RPC, deployed with the wallet. */
export async function deploy(opts: DeployOptions): Promise<void> {
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport: http(opts.rpcUrl) }).getChainId();
  } catch (error) {
    throw rpcUnreachable(opts.rpcUrl, error);
  }
  // A local anvil chain counts as the devnet; any other chain needs a protected wallet.
  const network = chainId === NETWORK_PRESETS.devnet!.chainId ? 'devnet' : `chain ${chainId}`;
  const { account } = walletFromSecret(await loadSecret(network));
  const connection = {
    chainId,
    rpcUrl: opts.rpcUrl,
    marketAddress: account.address,
    deployBlock: 0n,
  };
  const reader = new MarketClient(connection).publicClient;
  const walletClient = createWalletClient({
    account,
    chain: marketChain(connection),
    transport: http(opts.rpcUrl),
  });
  const deployed = await deployMarket(walletClient, reader, {
    cfaV1Forwarder: opts.forwarder,
    superToken: opts.superToken,
  });
  if (opts.json) process.stdout.write(toJson({ chainId, ...deployed }) + '\n');
  else
    console.log(
      `market deployed on chain ${chainId} at ${deployed.address} (block ${deployed.deployBlock})`,
    );
}
