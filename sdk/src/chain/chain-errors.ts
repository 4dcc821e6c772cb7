import { BaseError, ContractFunctionRevertedError } from 'viem';
import { OrangeError, type OrangeErrorCode } from '../errors.js';

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
      const payment = paymentRefusal(name);
      if (payment) {
        return new OrangeError(payment.code, `${action} was refused: ${payment.why}.`, {
          hint: payment.hint,
          cause: error,
        });
      }
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

/**
 * When `error` is the market's TooSoon(jobId, earliest) (an exit in the second the run started),
 * the first Unix second the exit is allowed; otherwise undefined.
 */
export function tooSoonUntil(error: unknown): bigint | undefined {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof BaseError)) continue;
    const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName === 'TooSoon') {
      const earliest = revert.data.args?.[1];
      return typeof earliest === 'bigint' ? earliest : BigInt(Number(earliest ?? 0));
    }
  }
  return undefined;
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

/**
 * The payment errors of a start (Superfluid's flow refusals, the market's rate bound), said for
 * people. They reach the requester as the reason its job failed to start (the provider records
 * them on chain), so they name the fix.
 */
function paymentRefusal(
  name: string,
): { code: OrangeErrorCode; why: string; hint: string } | undefined {
  switch (name) {
    case 'CFA_ACL_OPERATOR_NO_CREATE_PERMISSIONS':
    case 'CFA_ACL_OPERATOR_NO_UPDATE_PERMISSIONS':
      return {
        code: 'PAY_NOT_AUTHORIZED',
        why: 'the requester has not authorized the market to stream its payments',
        hint: 'The requester runs `orange pay authorize` (or the extension\'s "Authorize payments").',
      };
    case 'CFA_ACL_FLOW_RATE_ALLOWANCE_EXCEEDED':
      return {
        code: 'PAY_NOT_AUTHORIZED',
        why: "the requester's payment allowance is spent",
        hint: 'The requester runs `orange pay authorize` (or the extension\'s "Authorize payments").',
      };
    case 'CFA_INSUFFICIENT_BALANCE':
      return {
        code: 'PAY_CANNOT_AFFORD',
        why: 'the requester cannot pay the deposit of the payment flow',
        hint: 'Top up the payment token (on the devnet: `orange devnet fund`) or ask for fewer cores or a shorter timeout.',
      };
    case 'RateTooHigh':
      return {
        code: 'PAY_RATE_TOO_HIGH',
        why: 'the payment rate is more than a Superfluid flow can carry',
        hint: 'Ask for fewer cores or a lower price.',
      };
    default:
      return undefined;
  }
}
