/**
 * Gas of the job lifecycle on a devnet of its own, from the receipts of the transactions the SDK
 * and the daemon send (hireJob with a real Umbral kfrag and a CIDv1-sized manifest CID, the
 * daemon's offer nonces, startJob, completeJob): a free lifecycle (the market's own cost) and a
 * paid one beside Superfluid's own create + delete of a flow, each against its goal (issue 11:
 * the free lifecycle <= 150k in total; the paid one adds <= 60k over Superfluid). No Docker, no
 * IPFS: the chain alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, parseAbi } from 'viem';
import {
  DEFAULT_ALLOWANCE,
  FLOW_PERMISSIONS_ALL,
  MarketClient,
  authorizeMarket,
  cfaV1ForwarderAbi,
  generateMnemonic,
  grantKeyFrag,
  jobKeys,
  newJobKeyLabel,
  parseAllowance,
  publicKeyFromHex,
  publicKeyToHex,
  signOffer,
  walletFromSecret,
  type MarketConnection,
  type Wallet,
} from '@orange-cloud/sdk';
import { deployDevnetMarket, freePort, fundOnDevnet, startAnvil } from '@orange-cloud/sdk/devnet';
import { OfferNonces } from '@orange-cloud/provider-daemon/testing';

export const FREE_LIFECYCLE_GOAL = 150_000;
export const PAID_OVERHEAD_GOAL = 60_000;
const BASE_GAS = 21_000;
const PAID_PRICE = 10n ** 12n;
const TIMEOUT_SEC = 30;
/** A CIDv1 (raw, sha2-256, base32) is 59 characters, as the SDK's manifest and result CIDs are. */
const MANIFEST_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const RESULT_CID = 'bafkreiaxnnnb7qz2focittuqq3ya25q7rcv3bqynnczfzao65ro7nqcktq';

const operatorAbi = parseAbi([
  'function setFlowrateFrom(address token, address sender, address receiver, int96 flowrate) returns (bool)',
]);

export interface LifecycleGas {
  hireJob: number;
  startJob: number;
  completeJob: number;
  total: number;
}

interface Provider {
  wallet: Wallet;
  market: MarketClient;
  nonces: OfferNonces;
}

const gas = (sent: { gasUsed: bigint }) => Number(sent.gasUsed);

/** One hire, start and completion of a 1-core job, as the SDK and the daemon send them. */
async function lifecycle(
  connection: MarketConnection,
  requester: Wallet,
  provider: Provider,
  price: bigint,
): Promise<LifecycleGas> {
  const providerKey = jobKeys(provider.wallet.umbralMasterSecret, newJobKeyLabel());
  const signed = await signOffer(
    provider.wallet.account,
    { chainId: connection.chainId, market: connection.marketAddress },
    {
      provider: provider.wallet.account.address,
      requester: requester.account.address,
      runtime: 'python3',
      cores: 1,
      memoryMb: 256,
      maxTimeoutSec: 3600,
      pricePerCoreSecond: price,
      jobPublicKey: `0x${publicKeyToHex(providerKey.publicKey)}`,
      expiresAt: BigInt(Math.floor(Date.now() / 1000) + 60),
      nonce: provider.nonces.next(),
    },
  );
  const kfrag = grantKeyFrag(
    jobKeys(requester.umbralMasterSecret, newJobKeyLabel()),
    publicKeyFromHex(signed.offer.jobPublicKey),
  );
  const requesterMarket = new MarketClient(connection, requester.account);
  const hired = await requesterMarket.hireJob(
    signed,
    { name: 'sleep.py', timeoutSec: TIMEOUT_SEC, manifestCid: MANIFEST_CID },
    bytesToHex(kfrag),
  );
  const started = await provider.market.startJob(hired.jobId);
  const completed = await provider.market.completeJob(hired.jobId, RESULT_CID, 0, 0);
  const figures = { hireJob: gas(hired), startJob: gas(started), completeJob: gas(completed) };
  return { ...figures, total: figures.hireJob + figures.startJob + figures.completeJob };
}

/**
 * Superfluid's own create + delete of a flow of `rate` from `sender` to a fresh receiver, made
 * by another account as the sender's flow operator (what the market is) and by the sender itself.
 */
async function bareFlowGas(
  connection: MarketConnection,
  sender: MarketClient,
  newWallet: () => Promise<Wallet>,
  rate: bigint,
) {
  const terms = await sender.paymentTerms();
  const wait = async (hash: `0x${string}`) =>
    Number((await sender.publicClient.waitForTransactionReceipt({ hash })).gasUsed);
  const receiver = (await newWallet()).account.address;
  const setBySender = (flowrate: bigint) =>
    sender
      .walletClient!.writeContract({
        address: terms.cfaV1Forwarder,
        abi: cfaV1ForwarderAbi,
        functionName: 'setFlowrate',
        args: [terms.superToken, receiver, flowrate],
      })
      .then(wait);
  // As the market's flows do, each runs at least a second: a flow deleted in the block that
  // created it costs Superfluid less (nothing to settle).
  const flowFor = async (set: (flowrate: bigint) => Promise<number>) => {
    const create = await set(rate);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    return { create, delete: await set(0n) };
  };
  const asSender = await flowFor(setBySender);

  const operatorWallet = await newWallet();
  await wait(
    await sender.walletClient!.writeContract({
      address: terms.cfaV1Forwarder,
      abi: cfaV1ForwarderAbi,
      functionName: 'updateFlowOperatorPermissions',
      args: [
        terms.superToken,
        operatorWallet.account.address,
        FLOW_PERMISSIONS_ALL,
        parseAllowance(DEFAULT_ALLOWANCE, terms),
      ],
    }),
  );
  const operator = new MarketClient(connection, operatorWallet.account).walletClient!;
  const setByOperator = (flowrate: bigint) =>
    operator
      .writeContract({
        address: terms.cfaV1Forwarder,
        abi: operatorAbi,
        functionName: 'setFlowrateFrom',
        args: [terms.superToken, sender.account!.address, receiver, flowrate],
      })
      .then(wait);
  const asOperator = await flowFor(setByOperator);
  return { asOperator, asSender };
}

/**
 * The free and the paid lifecycle of one requester and provider pair, each the last of `runs` in
 * a row (the requester's first hire also assigns its account index: a market in use has it),
 * beside Superfluid's own cost.
 * The paid overhead is what the paid lifecycle costs more than the free one, less Superfluid's
 * create + delete as a flow operator without the two transactions' base.
 */
export async function lifecycleGasFigures(runs = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'orange-gas-'));
  const anvil = await startAnvil({
    port: await freePort(),
    logFile: join(dir, 'anvil.log'),
    detached: false,
  });
  try {
    const deployed = await deployDevnetMarket({ chainId: 31337, rpcUrl: anvil.rpcUrl });
    const connection: MarketConnection = {
      chainId: 31337,
      rpcUrl: anvil.rpcUrl,
      marketAddress: deployed.marketAddress,
      deployBlock: deployed.deployBlock,
      pollingIntervalMs: 50,
    };
    const newWallet = async () => {
      const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
      await fundOnDevnet(connection, wallet.account.address);
      return wallet;
    };
    const newProvider = async (price: bigint): Promise<Provider> => {
      const wallet = await newWallet();
      const market = new MarketClient(connection, wallet.account);
      await market.registerProvider({
        cores: 4,
        memoryMb: 4096,
        pricePerCoreSecond: price,
        runtimes: ['python3'],
        endpoint: 'http://127.0.0.1:7420',
        ipfsPeers: [],
      });
      return { wallet, market, nonces: new OfferNonces(() => Date.now()) };
    };
    const free = await newProvider(0n);
    const paid = await newProvider(PAID_PRICE);
    await paid.market.depositBond(PAID_PRICE * BigInt(TIMEOUT_SEC + 3600) * 2n);
    const requester = await newWallet();
    const requesterMarket = new MarketClient(connection, requester.account);
    const terms = await requesterMarket.paymentTerms();
    await authorizeMarket(
      requesterMarket.walletClient!,
      requesterMarket.publicClient,
      terms,
      parseAllowance(DEFAULT_ALLOWANCE, terms),
    );

    const repeated = async (provider: Provider, price: bigint) => {
      const all: LifecycleGas[] = [];
      for (let i = 0; i < runs; i++)
        all.push(await lifecycle(connection, requester, provider, price));
      return { first: all[0]!, inUse: all[all.length - 1]! };
    };
    const freeRuns = await repeated(free, 0n);
    const paidRuns = await repeated(paid, PAID_PRICE);
    const bare = await bareFlowGas(connection, requesterMarket, newWallet, PAID_PRICE);
    const superfluid = (b: { create: number; delete: number }) =>
      b.create + b.delete - 2 * BASE_GAS;
    const extra = paidRuns.inUse.total - freeRuns.inUse.total;
    return {
      free: freeRuns.inUse,
      paid: paidRuns.inUse,
      firstHire: { free: freeRuns.first, paid: paidRuns.first },
      bareFlow: bare,
      goals: {
        freeTotal: freeRuns.inUse.total,
        freeGoal: FREE_LIFECYCLE_GOAL,
        paidOverheadOverOperator: extra - superfluid(bare.asOperator),
        paidOverheadOverSender: extra - superfluid(bare.asSender),
        paidOverheadGoal: PAID_OVERHEAD_GOAL,
      },
    };
  } finally {
    process.kill(anvil.pid);
  }
}

export function printLifecycleGas(g: Awaited<ReturnType<typeof lifecycleGasFigures>>) {
  console.table({ paid: g.paid, free: g.free });
  console.log('the first lifecycle of a requester and provider:', g.firstHire);
  console.log('Superfluid alone, create / delete of a flow:', g.bareFlow);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const { goals } = g;
  console.log(
    `free lifecycle (hire + start + complete): ${goals.freeTotal} gas, goal <= ${goals.freeGoal}: ` +
      verdict(goals.freeTotal <= goals.freeGoal),
  );
  console.log(
    `paid lifecycle over the free one and Superfluid's create + delete as a flow operator: ` +
      `${goals.paidOverheadOverOperator} gas, goal <= ${goals.paidOverheadGoal}: ` +
      verdict(goals.paidOverheadOverOperator <= goals.paidOverheadGoal) +
      ` (over a sender's own create + delete: ${goals.paidOverheadOverSender})`,
  );
}
