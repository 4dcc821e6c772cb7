import assert from 'node:assert/strict';
import { BaseError, NonceTooLowError, type Hash } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { OrangeError } from '../errors.js';
import { MarketClient } from './market-client.js';

/**
 * A client whose chain calls are fakes: simulation and estimate pass, the node answers each
 * signed send with the next of `answers` (a hash, or an error it refused it with).
 */
function clientWith(answers: (Hash | Error)[]) {
  const client = new MarketClient(
    {
      chainId: 31337,
      rpcUrl: 'http://127.0.0.1:9',
      marketAddress: '0x00000000000000000000000000000000000000a1',
      deployBlock: 0n,
    },
    privateKeyToAccount(generatePrivateKey()),
  );
  const calls = { simulated: 0, sent: 0 };
  Object.assign(client.publicClient, {
    simulateContract: async () => {
      calls.simulated++;
      return { request: {} };
    },
    estimateContractGas: async () => 100n,
    waitForTransactionReceipt: async () => ({ status: 'success', blockNumber: 7n, gasUsed: 50n }),
  });
  Object.assign(client.walletClient!, {
    writeContract: async () => {
      const answer = answers[calls.sent++]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  return { client, calls };
}

const HASH: Hash = `0x${'ab'.repeat(32)}`;

describe('MarketClient sending', () => {
  it('tries a send again, simulated afresh, when another send of the account took its nonce', async () => {
    const { client, calls } = clientWith([
      new NonceTooLowError({ nonce: 3 }),
      new BaseError('refused', { details: 'replacement transaction underpriced' }),
      HASH,
    ]);
    const sent = await client.startJob(1n);
    assert.equal(sent.hash, HASH);
    assert.deepEqual(calls, { simulated: 3, sent: 3 });
  });

  it('gives up after two tries again', async () => {
    const conflict = () => new NonceTooLowError({ nonce: 3 });
    const { client, calls } = clientWith([conflict(), conflict(), conflict(), HASH]);
    await assert.rejects(client.startJob(1n), OrangeError);
    assert.equal(calls.sent, 3);
  });

  it('does not send again what the node refused for another reason', async () => {
    const { client, calls } = clientWith([
      new BaseError('refused', { details: 'insufficient funds for gas * price + value' }),
      HASH,
    ]);
    await assert.rejects(client.startJob(1n), (error: unknown) => {
      assert.ok(error instanceof OrangeError);
      assert.equal(error.code, 'INSUFFICIENT_FUNDS');
      return true;
    });
    assert.equal(calls.sent, 1);
  });
});
