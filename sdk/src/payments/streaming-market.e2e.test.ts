import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  type Chain,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { orangeStreamingMarketAbi } from '@orange-cloud/contracts';
import { freePort, startAnvil, type AnvilProcess } from '../devnet/anvil.js';
import { OrangeError } from '../errors.js';
import {
  authorizeMarket,
  readFlowRate,
  readMarketAuthorization,
  type PaymentConnection,
} from './streaming-market.js';
import { deploySuperfluid, deployTestSuperToken, mintSuperTokens } from './superfluid-devnet.js';
import { cfaErrorsAbi, superTokenAbi } from './superfluid-abis.js';
import { signOffer } from '../market/offer.js';
import { deployMarket } from '../chain/deploy-market.js';
import { MarketClient } from '../chain/market-client.js';
import { checkCanPay } from './payment-check.js';
import { readPaymentTerms } from './payment-terms.js';

type Wallet = WalletClient<Transport, Chain, LocalAccount>;

/** anvil's well-known development mnemonic. */
const MNEMONIC = 'test test test test test test test test test test test junk';
const PRICE = 10n ** 12n; // token wei per core-second

describe('streaming payments on anvil with the real Superfluid framework', function () {
  let anvil: AnvilProcess;
  let reader: PublicClient<Transport, Chain>;
  let deployer: Wallet;
  let requester: Wallet;
  let provider: Wallet;
  let payment: PaymentConnection;

  const wallet = (rpcUrl: string, index: number): Wallet =>
    createWalletClient({
      account: mnemonicToAccount(MNEMONIC, { addressIndex: index }),
      chain: foundry,
      transport: http(rpcUrl),
    });

  before(async function () {
    const dir = mkdtempSync(join(tmpdir(), 'orange-pay-'));
    anvil = await startAnvil({
      port: await freePort(),
      logFile: join(dir, 'anvil.log'),
      detached: false,
    });
    reader = createPublicClient({
      chain: foundry,
      transport: http(anvil.rpcUrl),
      pollingInterval: 50,
    });
    deployer = wallet(anvil.rpcUrl, 0);
    requester = wallet(anvil.rpcUrl, 1);
    provider = wallet(anvil.rpcUrl, 2);

    const sf = await deploySuperfluid(deployer, reader);
    const token = await deployTestSuperToken(deployer, reader, sf, {
      name: 'Test USD',
      symbol: 'TUSD',
      mintLimit: 10n ** 24n,
    });
    await mintSuperTokens(requester, reader, token, 1000n * 10n ** 18n);
    await mintSuperTokens(provider, reader, token, 1000n * 10n ** 18n);
    const market = await deployMarket(deployer, reader, {
      cfaV1Forwarder: sf.cfaV1Forwarder,
      superToken: token.superToken,
    });
    payment = {
      cfaV1Forwarder: sf.cfaV1Forwarder,
      superToken: token.superToken,
      market: market.address,
    };

    await send(provider, 'registerProvider', [
      {
        cores: 4,
        memoryMb: 4096,
        pricePerCoreSecond: PRICE,
        runtimes: 'python3',
        endpoint: '',
        ipfsPeers: '',
      },
    ]);
    // A paid start locks rate x (timeout + grace) of the provider's bond.
    await providerClient().depositBond(4n * PRICE * 700n);
  });

  const providerClient = () =>
    new MarketClient(
      { chainId: foundry.id, rpcUrl: anvil.rpcUrl, marketAddress: payment.market, deployBlock: 0n },
      provider.account,
    );

  after(function () {
    if (anvil) process.kill(anvil.pid);
  });

  async function send(from: Wallet, functionName: string, args: readonly unknown[]): Promise<void> {
    const { request } = await reader.simulateContract({
      account: from.account,
      address: payment.market,
      abi: [...orangeStreamingMarketAbi, ...cfaErrorsAbi],
      functionName: functionName as never,
      args: args as never,
    });
    const receipt = await reader.waitForTransactionReceipt({
      hash: await from.writeContract(request),
    });
    assert.equal(receipt.status, 'success', `${functionName} reverted`);
  }

  let nonce = 0n;
  /** A job hired from the provider with an offer it signed for `cores`. */
  async function acceptedJob(cores: number): Promise<bigint> {
    const signed = await signOffer(
      provider.account,
      { chainId: foundry.id, market: payment.market },
      {
        provider: provider.account.address,
        requester: requester.account.address,
        runtime: 'python3',
        cores,
        memoryMb: 512,
        maxTimeoutSec: 600,
        pricePerCoreSecond: PRICE,
        jobPublicKey: `0x02${'11'.repeat(32)}`,
        expiresAt: BigInt(Math.floor(Date.now() / 1000) + 600),
        nonce: ++nonce,
      },
    );
    const requesterClient = new MarketClient(
      { chainId: foundry.id, rpcUrl: anvil.rpcUrl, marketAddress: payment.market, deployBlock: 0n },
      requester.account,
    );
    const { jobId } = await requesterClient.hireJob(
      signed,
      { name: 'hello.py', timeoutSec: 600, manifestCid: 'bafymanifest' },
      '0xbeef',
    );
    return jobId;
  }

  it('deploys a super token the requester holds', async function () {
    const balance = await reader.readContract({
      address: payment.superToken,
      abi: superTokenAbi,
      functionName: 'balanceOf',
      args: [requester.account.address],
    });
    assert.equal(balance, 1000n * 10n ** 18n);
  });

  it('refuses to start a job the requester has not authorized the market to pay', async function () {
    const jobId = await acceptedJob(2);
    const auth = await readMarketAuthorization(reader, payment, requester.account.address);
    assert.equal(auth.complete, false);
    await assert.rejects(send(provider, 'startJob', [jobId]), (error: unknown) => {
      assert.ok(error instanceof BaseError);
      const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
      assert.ok(revert instanceof ContractFunctionRevertedError, String(error));
      assert.equal(revert.data?.errorName, 'CFA_ACL_OPERATOR_NO_CREATE_PERMISSIONS');
      return true;
    });
  });

  it("says in the provider's words why a start was refused", async function () {
    const jobId = await acceptedJob(1);
    await assert.rejects(providerClient().startJob(jobId), (error: unknown) => {
      assert.ok(error instanceof OrangeError);
      assert.equal(error.code, 'PAY_NOT_AUTHORIZED');
      assert.match(
        error.message,
        /^Starting job \d+ was refused: the requester has not authorized the market to stream its payments\.$/,
      );
      assert.match(error.hint ?? '', /orange pay authorize/);
      return true;
    });
  });

  it('refuses before posting what the market would refuse at the start', async function () {
    const terms = await readPaymentTerms(reader, payment.market);
    const quote = (rateWei: bigint) => ({ rateWei, maxCostWei: rateWei * 630n, terms });
    const me = requester.account.address;
    const refusal = (code: string) => (error: unknown) => {
      assert.ok(error instanceof OrangeError, String(error));
      assert.equal(error.code, code);
      assert.match(error.message, /Nothing was posted/);
      return true;
    };
    await assert.rejects(checkCanPay(reader, me, quote(PRICE), 600), refusal('PAY_NOT_AUTHORIZED'));
    await authorizeMarket(requester, reader, payment, 2n * PRICE);
    await assert.rejects(
      checkCanPay(reader, me, quote(3n * PRICE), 600),
      refusal('PAY_ALLOWANCE_SPENT'),
    );
    await checkCanPay(reader, me, quote(2n * PRICE), 600);
    // 1000 tokens cannot keep 2 tokens a second flowing for 630 s; 0.05 a second fit, with
    // the deposit the flow locks (4 hours of it on this framework: 720 tokens).
    await authorizeMarket(requester, reader, payment, 10n ** 20n);
    await assert.rejects(
      checkCanPay(reader, me, quote(2n * 10n ** 18n), 600),
      refusal('PAY_CANNOT_AFFORD'),
    );
    await checkCanPay(reader, me, quote(5n * 10n ** 16n), 600);
    // 0.1 a second would cost only 63 tokens but lock 1440 as deposit: refused.
    await assert.rejects(
      checkCanPay(reader, me, quote(10n ** 17n), 600),
      refusal('PAY_CANNOT_AFFORD'),
    );
    await checkCanPay(reader, me, quote(0n), 600); // a free provider needs nothing
  });

  it('rejects an allowance that is not positive, with a hint', async function () {
    await assert.rejects(authorizeMarket(requester, reader, payment, 0n), (error: unknown) => {
      assert.ok(error instanceof OrangeError);
      assert.equal(error.code, 'PAY_ALLOWANCE');
      assert.ok(error.hint);
      return true;
    });
  });

  it('streams cores x price per second while a job runs and stops at completion', async function () {
    const auth = await authorizeMarket(requester, reader, payment, 100n * PRICE);
    assert.deepEqual(auth, { permissions: 7, flowRateAllowance: 100n * PRICE, complete: true });

    const jobId = await acceptedJob(3);
    await send(provider, 'startJob', [jobId]);
    const pair = [requester.account.address, provider.account.address] as const;
    assert.equal(await readFlowRate(reader, payment, ...pair), 3n * PRICE);
    const left = await readMarketAuthorization(reader, payment, requester.account.address);
    assert.equal(left.flowRateAllowance, 97n * PRICE, 'the start spent 3 x price of the budget');

    // Through the client: it waits out the start's second (TooSoon) and sends the exit enough gas
    // to delete the flow (with an estimate's gas it would be left running).
    await providerClient().completeJob(jobId, 'bafyresult', 0, 0);
    assert.equal(await readFlowRate(reader, payment, ...pair), 0n);
  });
});
