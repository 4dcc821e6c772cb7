import * as assert from 'node:assert/strict';
import { OrangeError } from '@orange-cloud/sdk';
import { connectionProblem, problemError } from './connection-problem.js';

/** What viem throws when nothing listens at the RPC URL (its shape, without viem's version line). */
function httpRequestFailed() {
  const error = new Error('HTTP request failed.\n\nURL: http://127.0.0.1:8545\nVersion: viem@2');
  error.name = 'HttpRequestError';
  (error as { details?: string }).details = 'fetch failed';
  return new Error('unexpected', { cause: error });
}

describe('connection problems', () => {
  it('says the devnet is not running when its state file is missing', () => {
    const problem = connectionProblem(new OrangeError('DEVNET_DOWN', 'down'), {
      network: 'devnet',
      rpcUrl: undefined,
    });
    assert.equal(problem?.kind, 'devnetDown');
    assert.equal(problem?.title, 'The devnet is not running');
  });

  it("says the devnet is not running when viem cannot reach the devnet's RPC", () => {
    const problem = connectionProblem(httpRequestFailed(), {
      network: 'devnet',
      rpcUrl: undefined,
    });
    assert.equal(problem?.kind, 'devnetDown');
  });

  it('names the RPC URL when a configured endpoint is unreachable', () => {
    const problem = connectionProblem(httpRequestFailed(), {
      network: 'base-sepolia',
      rpcUrl: 'https://rpc.example.test',
    });
    assert.deepEqual(
      [problem?.kind, problem?.title],
      ['rpcUnreachable', 'RPC unreachable: https://rpc.example.test'],
    );
  });

  it('reads the SDK’s own RPC_UNREACHABLE', () => {
    const problem = connectionProblem(new OrangeError('RPC_UNREACHABLE', 'Cannot reach'), {
      network: 'devnet',
      rpcUrl: 'http://10.0.0.1:8545',
    });
    assert.equal(problem?.title, 'RPC unreachable: http://10.0.0.1:8545');
  });

  it('leaves other errors alone', () => {
    assert.equal(
      connectionProblem(new OrangeError('NO_WALLET', 'none'), {
        network: 'devnet',
        rpcUrl: undefined,
      }),
      undefined,
    );
    assert.equal(
      connectionProblem(new Error('boom'), { network: 'devnet', rpcUrl: undefined }),
      undefined,
    );
  });

  it('turns a problem into an OrangeError with its words and no viem version', () => {
    const problem = connectionProblem(httpRequestFailed(), {
      network: 'devnet',
      rpcUrl: undefined,
    })!;
    const error = problemError(problem, httpRequestFailed());
    assert.equal(error.code, 'DEVNET_DOWN');
    assert.equal(error.message, 'The devnet is not running.');
    assert.doesNotMatch(`${error.message} ${error.hint}`, /viem|HTTP request failed/);
  });
});
