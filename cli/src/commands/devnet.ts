import type { Address } from 'viem';
import { MarketClient, resolveNetwork, walletFromSecret } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { home, loadSecret, stage } from '../context.js';
import { devnetConnection, devnetDown, devnetStatus, devnetUp } from '../devnet/devnet.js';
import { devnetProviderMetricsUrl } from '../devnet/devnet-provider.js';
import { shortAddress, toJson } from '../format.js';

export interface DevnetUpCommandOptions {
  port?: number;
  /** False with --no-provider. */
  provider: boolean;
  json?: boolean;
}

export interface DevnetStatusOptions {
  json?: boolean;
}

/** `orange devnet up`: starts (or reuses) the devnet and funds the demo wallet. */
export async function up(opts: DevnetUpCommandOptions): Promise<void> {
  const summary = await devnetUp({
    home,
    ...(opts.port ? { port: opts.port } : {}),
    provider: opts.provider,
    progress: opts.json ? () => {} : stage,
  });
  const terms = await new MarketClient(devnetConnection(summary)).paymentTerms();
  const metricsUrl = summary.provider ? await devnetProviderMetricsUrl(home) : undefined;
  // The provider as an object: its address, and where its daemon's metrics are scraped.
  const provider = summary.provider && { address: summary.provider, metricsUrl };
  if (opts.json) process.stdout.write(toJson({ ...summary, provider, paymentTerms: terms }) + '\n');
  else {
    console.log(`devnet ${summary.reused ? 'reused' : 'up'}`);
    console.log(`  RPC        ${summary.rpcUrl}`);
    console.log(`  market     ${summary.marketAddress}`);
    console.log(`  payments   ${terms.symbol}, Superfluid super token ${terms.superToken}`);
    if (summary.provider)
      console.log(`  provider   ${summary.provider} (IPFS ${summary.providerIpfs.join(', ')})`);
    if (metricsUrl) console.log(`  metrics    ${metricsUrl}`);
    if (summary.requester)
      console.log(
        `  you        ${summary.requester} (funded with ETH and ${terms.symbol}; next: \`npx orange pay authorize\`)`,
      );
    console.log(`  logs       ${summary.logDir}`);
  }
}

/** `orange devnet down`: stops everything the devnet started. */
export async function down(): Promise<void> {
  const { stopped } = await devnetDown(home);
  console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'the devnet was not running');
}

/** `orange devnet status`: exits 1 unless anvil and the provider both run. */
export async function status(opts: DevnetStatusOptions): Promise<void> {
  const status = await devnetStatus(home);
  if (opts.json) process.stdout.write(toJson(status) + '\n');
  else if (!status.state) console.log('devnet: down');
  else
    console.log(
      `devnet: ${status.running ? 'up' : 'degraded'} (anvil ${status.anvil ? 'up' : 'down'}, provider ${status.provider ? 'up' : 'down'}) at ${status.state.rpcUrl}`,
    );
  if (!status.running) process.exitCode = 1;
}

/** `orange devnet fund [ADDRESS]`: devnet ETH and payment tokens, for the wallet by default. */
export async function fund(target: Address | undefined): Promise<void> {
  const connection = await resolveNetwork('devnet', home);
  const who = target ?? walletFromSecret(await loadSecret('devnet')).account.address;
  await fundOnDevnet(connection, who);
  const terms = await new MarketClient(connection).paymentTerms();
  console.log(`funded ${shortAddress(who)} with ETH for gas and ${terms.symbol} for jobs`);
}
