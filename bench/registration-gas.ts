import { MarketClient, offerRuntimesText, type ProviderOffer } from '@orange-cloud/sdk';
import { probedRuntimes, type LocalNetwork } from '@orange-cloud/provider-daemon/testing';

/**
 * Gas of a provider's first registration offering python3 and python-data: by names alone (as
 * before runtime descriptors) and with each runtime's descriptor as the daemon probes it from the
 * images on this machine. Each from a fresh account, so both write the provider's slot from zero.
 */
export async function registrationGas(net: LocalNetwork) {
  const runtimes = ['python3', 'python-data'];
  const offer: ProviderOffer = {
    cores: 2,
    memoryMb: 2048,
    pricePerCoreSecond: 1_000_000_000n,
    runtimes,
    endpoint: 'http://127.0.0.1:7000',
    ipfsPeers: ['/ip4/127.0.0.1/tcp/4011/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'],
  };
  const register = async (o: ProviderOffer) => {
    const wallet = await net.fundedWallet();
    const sent = await new MarketClient(net.connection, wallet.account).registerProvider(o);
    return Number(sent.gasUsed);
  };
  const runtimeDescriptors = await probedRuntimes(runtimes);
  const withDescriptors = { ...offer, runtimeDescriptors };
  return {
    namesOnly: await register(offer),
    withDescriptors: await register(withDescriptors),
    runtimesChars: {
      namesOnly: offerRuntimesText(offer).length,
      withDescriptors: offerRuntimesText(withDescriptors).length,
    },
  };
}
