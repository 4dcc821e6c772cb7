import {
  BaseError,
  NonceTooLowError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  nonceManager,
  parseEventLogs,
  webSocket,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import { readPaymentTerms, type PaymentTerms } from '../payments/payment-terms.js';
import { OrangeError } from '../errors.js';
import { encodeRuntimes, type RuntimeDescriptor } from '../runtime/runtime-descriptor.js';
import { explainChainError, rpcUnreachable } from './chain-errors.js';

/** Where the market lives: enough to read it and to send it transactions. */
export interface MarketConnection {
  chainId: number;
  rpcUrl: string;
  /** WebSocket RPC for new-block subscriptions; without it new blocks are polled. */
  wsUrl?: string;
  marketAddress: Address;
  /** Block the market was deployed in: the event index starts there. */
  deployBlock: bigint;
  /** How often to poll for receipts and, without wsUrl, for new blocks (ms). */
  pollingIntervalMs?: number;
}

export interface JobRequest {
  name: string;
  runtime: string;
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  maxPricePerCoreSecond: bigint;
  manifestCid: string;
  /** Offer the job to this provider only; undefined = open to all. */
  provider?: Address;
  acceptWindowSec?: number;
}

export interface ProviderOffer {
  cores: number;
  memoryMb: number;
  pricePerCoreSecond: bigint;
  umbralPublicKey: Hex;
  /** The runtime names it offers, e.g. ['python3', 'python-data']. */
  runtimes: string[];
  /**
   * What each runtime holds (Python version, platform, packages), one per name in `runtimes`'s
   * order; absent or bare for a provider that says nothing more than the names.
   */
  runtimeDescriptors?: RuntimeDescriptor[];
  endpoint: string;
  ipfsPeers: string[];
}

/** The registration's `runtimes` string: each name, with its descriptor when the offer has one. */
export function offerRuntimesText(
  offer: Pick<ProviderOffer, 'runtimes' | 'runtimeDescriptors'>,
): string {
  return encodeRuntimes(
    offer.runtimes.map(
      (name) => offer.runtimeDescriptors?.find((d) => d.name === name) ?? { name, packages: [] },
    ),
  );
}

/** A transaction the market accepted, with what it cost. */
export interface SentTransaction {
  hash: Hash;
  blockNumber: bigint;
  gasUsed: bigint;
  receipt: TransactionReceipt;
}

export const COMPLETION_FLAGS = { timedOut: 1, outOfMemory: 2, outputTruncated: 4 } as const;

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** Gas limit sent = the estimate x this / 100 (unused gas is not charged). */
const GAS_MARGIN_PERCENT = 130n;

/** How often a send is tried again when another send of the account took its nonce first. */
const NONCE_CONFLICT_RETRIES = 2;

export function marketChain(connection: MarketConnection): Chain {
  return defineChain({
    id: connection.chainId,
    name: `chain-${connection.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: {
      default: {
        http: [connection.rpcUrl],
        ...(connection.wsUrl ? { webSocket: [connection.wsUrl] } : {}),
      },
    },
  });
}

/**
 * The market contract as a typed client. Writes are simulated first (so a
 * doomed transaction costs no gas), sent at once with the account's next
 * nonce, and each awaited until mined on its own: several transactions of one
 * account are in flight together, none waits for another's receipt.
 */
export class MarketClient {
  readonly connection: MarketConnection;
  readonly publicClient: PublicClient<Transport, Chain>;
  readonly account: LocalAccount | undefined;
  /** Signs and sends for `account`: also used for the payment calls outside the market. */
  readonly walletClient: WalletClient<Transport, Chain, LocalAccount> | undefined;
  /** This client's sends between their submission and their end (mined or failed). */
  private inFlight = 0;
  private terms: Promise<PaymentTerms> | undefined;

  constructor(connection: MarketConnection, account?: LocalAccount) {
    this.connection = connection;
    // One nonce source per address and chain for the whole process (viem's shared manager): the
    // market calls, the payment calls through `walletClient` and any other client of the same
    // wallet take consecutive nonces without asking the node between sends.
    this.account = account && { ...account, nonceManager: account.nonceManager ?? nonceManager };
    const chain = marketChain(connection);
    const pollingInterval = connection.pollingIntervalMs ?? 250;
    this.publicClient = createPublicClient({
      chain,
      transport: http(connection.rpcUrl, { retryCount: 1 }),
      pollingInterval,
    });
    this.walletClient = this.account
      ? createWalletClient({
          account: this.account,
          chain,
          transport: http(connection.rpcUrl),
          pollingInterval,
        })
      : undefined;
  }

  /** A transport for new-block wake-ups: the WebSocket when there is one. */
  subscriptionClient(): PublicClient<Transport, Chain> {
    if (!this.connection.wsUrl) return this.publicClient;
    return createPublicClient({
      chain: marketChain(this.connection),
      transport: webSocket(this.connection.wsUrl, { retryCount: 5 }),
    });
  }

  get address(): Address {
    return this.connection.marketAddress;
  }

  /** How this market pays (forwarder, token, grace): read once, they never change. */
  paymentTerms(): Promise<PaymentTerms> {
    this.terms ??= this.read(() => readPaymentTerms(this.publicClient, this.address));
    this.terms.catch(() => {
      this.terms = undefined;
    });
    return this.terms;
  }

  /** Fails with a clear error when the RPC is down or no market is deployed there. */
  async checkReachable(): Promise<void> {
    let chainId: number;
    try {
      chainId = await this.publicClient.getChainId();
    } catch (error) {
      throw rpcUnreachable(this.connection.rpcUrl, error);
    }
    if (chainId !== this.connection.chainId) {
      throw new OrangeError(
        'WRONG_CHAIN',
        `The RPC at ${this.connection.rpcUrl} serves chain ${chainId}, not ${this.connection.chainId}.`,
        { hint: 'Check the network and RPC URL settings.' },
      );
    }
    const code = await this.publicClient.getCode({ address: this.address });
    if (!code || code === '0x') {
      throw new OrangeError(
        'MARKET_NOT_DEPLOYED',
        `No Orange Cloud market at ${this.address} on chain ${chainId}.`,
        {
          hint: 'On the devnet run `npx orange devnet up`; elsewhere check the market address of the network.',
        },
      );
    }
  }

  async getJob(jobId: bigint) {
    return this.read(() =>
      this.publicClient.readContract({
        address: this.address,
        abi: marketAbi,
        functionName: 'getJob',
        args: [jobId],
      }),
    );
  }

  async providerTerms(provider: Address) {
    const [cores, memoryMb, pricePerCoreSecond, active] = await this.read(() =>
      this.publicClient.readContract({
        address: this.address,
        abi: marketAbi,
        functionName: 'providers',
        args: [provider],
      }),
    );
    return { cores, memoryMb, pricePerCoreSecond, active };
  }

  async balance(address: Address): Promise<bigint> {
    return this.read(() => this.publicClient.getBalance({ address }));
  }

  async postJob(request: JobRequest): Promise<SentTransaction & { jobId: bigint }> {
    const sent = await this.send('Posting the job', 'postJob', [
      {
        name: request.name,
        runtime: request.runtime,
        cores: request.cores,
        memoryMb: request.memoryMb,
        timeoutSec: request.timeoutSec,
        maxPricePerCoreSecond: request.maxPricePerCoreSecond,
        manifestCid: request.manifestCid,
        provider: request.provider ?? ZERO_ADDRESS,
        acceptWindowSec: request.acceptWindowSec ?? 0,
      },
    ]);
    const [posted] = parseEventLogs({
      abi: marketAbi,
      logs: sent.receipt.logs,
      eventName: 'JobPosted',
    });
    if (!posted) throw new OrangeError('CHAIN_ERROR', 'The market did not report the posted job.');
    return { ...sent, jobId: posted.args.jobId };
  }

  acceptJob(jobId: bigint) {
    return this.send(`Accepting job ${jobId}`, 'acceptJob', [jobId]);
  }

  grantAccess(jobId: bigint, kfrag: Hex) {
    return this.send(`Granting access to job ${jobId}`, 'grantAccess', [jobId, kfrag]);
  }

  startJob(jobId: bigint) {
    return this.send(`Starting job ${jobId}`, 'startJob', [jobId]);
  }

  completeJob(jobId: bigint, resultCid: string, exitCode: number, flags: number) {
    return this.send(`Completing job ${jobId}`, 'completeJob', [jobId, resultCid, exitCode, flags]);
  }

  failJob(jobId: bigint, reason: string, resultCid = '') {
    return this.send(`Failing job ${jobId}`, 'failJob', [jobId, reason, resultCid]);
  }

  cancelJob(jobId: bigint) {
    return this.send(`Cancelling job ${jobId}`, 'cancelJob', [jobId]);
  }

  expireJob(jobId: bigint) {
    return this.send(`Expiring job ${jobId}`, 'expireJob', [jobId]);
  }

  registerProvider(offer: ProviderOffer) {
    return this.send('Registering the provider', 'registerProvider', [
      {
        cores: offer.cores,
        memoryMb: offer.memoryMb,
        pricePerCoreSecond: offer.pricePerCoreSecond,
        umbralPublicKey: offer.umbralPublicKey,
        runtimes: offerRuntimesText(offer),
        endpoint: offer.endpoint,
        ipfsPeers: offer.ipfsPeers.join(','),
      },
    ]);
  }

  deactivateProvider() {
    return this.send('Deactivating the provider', 'deactivateProvider', []);
  }

  private async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw explainChainError(error, 'Reading the market', this.connection.rpcUrl);
    }
  }

  private async send(
    action: string,
    functionName: string,
    args: readonly unknown[],
  ): Promise<SentTransaction> {
    const walletClient = this.walletClient;
    if (!walletClient) {
      throw new OrangeError('NO_WALLET', `${action} needs a wallet.`, {
        hint: 'Create one with `orange wallet create` or import one with `orange wallet import`.',
      });
    }
    this.inFlight++;
    try {
      const { hash, gas } = await this.submit(walletClient, functionName, args);
      const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') {
        throw new OrangeError(
          'TX_REVERTED',
          `${action} reverted on chain (transaction ${hash}, ${receipt.gasUsed} of ${gas} gas used).`,
        );
      }
      return { hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, receipt };
    } catch (error) {
      throw explainChainError(error, action, this.connection.rpcUrl);
    } finally {
      // Idle again: the next send asks the node for its nonce instead of counting on from the
      // last one, so a chain that forgot this account's transactions (a restarted devnet)
      // strands nothing.
      if (--this.inFlight === 0) {
        walletClient.account.nonceManager?.reset({
          address: walletClient.account.address,
          chainId: this.connection.chainId,
        });
      }
    }
  }

  /**
   * Simulates the call, then signs it with the account's next nonce and hands it to the node;
   * resolves when the node has taken it, not when it is mined. A send the node refuses leaves no
   * nonce gap behind it: viem resets the account's nonce manager on any failed send, so the next
   * one asks the node for its nonce again (market-client.e2e.test.ts holds it to that). If that
   * reset lets two sends in flight pick the same nonce, the one turned away is tried again,
   * simulated afresh.
   */
  // The ABI-typed overloads of simulateContract do not survive a generic
  // function name, so this one place loosens the types; callers above are typed.
  private async submit(
    walletClient: WalletClient<Transport, Chain, LocalAccount>,
    functionName: string,
    args: readonly unknown[],
    retries = NONCE_CONFLICT_RETRIES,
  ): Promise<{ hash: Hash; gas: bigint }> {
    const call = {
      address: this.address,
      abi: marketAbi,
      functionName: functionName as never,
      args: args as never,
      account: walletClient.account,
      // Against the pending block: on an idle chain (an automining devnet)
      // the latest block's timestamp is stale and deadlines never look passed.
      blockTag: 'pending' as const,
    };
    const { request } = await this.publicClient.simulateContract(call);
    // Payment calls cost more when time has passed (Superfluid settles balances into fresh
    // storage), and the block this lands in may be a second later than the estimate's: a
    // margin keeps an exact estimate from running out of gas.
    const estimate = await this.publicClient.estimateContractGas(call);
    const gas = (estimate * GAS_MARGIN_PERCENT) / 100n;
    try {
      const hash = await walletClient.writeContract({ ...(request as object), gas } as never);
      return { hash, gas };
    } catch (error) {
      if (retries === 0 || !isNonceConflict(error)) throw error;
      return this.submit(walletClient, functionName, args, retries - 1);
    }
  }
}

/** The node refused a transaction because another one of the account holds its nonce. */
function isNonceConflict(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  if (error.walk((e) => e instanceof NonceTooLowError) instanceof NonceTooLowError) return true;
  return /replacement transaction underpriced/i.test(`${error.shortMessage} ${error.details}`);
}
