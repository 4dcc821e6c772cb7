import { BaseError, ContractFunctionRevertedError } from 'viem';
import { OrangeError } from '../errors.js';

/**
 * Turns viem's errors into OrangeErrors a user can act on: an unreachable
 * RPC, a revert with the market's custom error name, or an empty account.
 */
export function explainChainError(error: unknown, action: string, rpcUrl?: string): OrangeError {
  if (error instanceof OrangeError) return error;
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName ?? revert.reason ?? 'unknown reason';
      const args = revert.data?.args?.map((a) => String(a)).join(', ');
      return new OrangeError(
        'TX_REVERTED',
        `${action} was refused by the market: ${name}${args ? `(${args})` : ''}.`,
        {
          cause: error,
        },
      );
    }
    const text = `${error.shortMessage} ${error.details ?? ''}`;
    if (/fetch failed|ECONNREFUSED|socket|connect|timed? ?out|HTTP request failed/i.test(text)) {
      return rpcUnreachable(rpcUrl, error);
    }
    if (/insufficient funds/i.test(text)) {
      return new OrangeError(
        'INSUFFICIENT_FUNDS',
        `${action} failed: the wallet cannot pay for gas.`,
        {
          hint: 'Fund the wallet (on the devnet: `orange devnet fund`).',
          cause: error,
        },
      );
    }
    return new OrangeError('CHAIN_ERROR', `${action} failed: ${error.shortMessage}`, {
      cause: error,
    });
  }
  return new OrangeError('CHAIN_ERROR', `${action} failed: ${String(error)}`, { cause: error });
}

export function rpcUnreachable(rpcUrl: string | undefined, cause?: unknown): OrangeError {
  return new OrangeError(
    'RPC_UNREACHABLE',
    `Cannot reach the chain RPC${rpcUrl ? ` at ${rpcUrl}` : ''}.`,
    {
      hint: 'Start the devnet with `npx orange devnet up`, or set the RPC URL of your network.',
      cause,
    },
  );
}
