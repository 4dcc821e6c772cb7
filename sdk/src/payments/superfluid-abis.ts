import { parseAbi } from 'viem';

/** The CFAv1Forwarder calls Orange Cloud makes: flow-operator permissions and flow rates. */
export const cfaV1ForwarderAbi = parseAbi([
  'function updateFlowOperatorPermissions(address token, address flowOperator, uint8 permissions, int96 flowrateAllowance) returns (bool)',
  'function getFlowOperatorPermissions(address token, address sender, address flowOperator) view returns (uint8 permissions, int96 flowrateAllowance)',
  'function getFlowrate(address token, address sender, address receiver) view returns (int96 flowrate)',
  'function setFlowrate(address token, address receiver, int96 flowrate) returns (bool)',
  'function getAccountFlowrate(address token, address account) view returns (int96 flowrate)',
  'function getBufferAmountByFlowrate(address token, int96 flowrate) view returns (uint256 bufferAmount)',
]);

/**
 * Errors Superfluid's constant flow agreement raises through the market's calls: the market no
 * longer checks the requester's authorization and balance itself before a start (market v2), the
 * flow change it makes refuses instead, with one of these.
 */
export const cfaErrorsAbi = parseAbi([
  'error CFA_ACL_OPERATOR_NO_CREATE_PERMISSIONS()',
  'error CFA_ACL_OPERATOR_NO_UPDATE_PERMISSIONS()',
  'error CFA_ACL_FLOW_RATE_ALLOWANCE_EXCEEDED()',
  'error CFA_INSUFFICIENT_BALANCE()',
]);

/** The super token calls Orange Cloud makes: balances, approvals and wrapping (devnet faucet). */
export const superTokenAbi = parseAbi([
  'function upgrade(uint256 amount)',
  'function upgradeTo(address to, uint256 amount, bytes userData)',
  'function getUnderlyingToken() view returns (address)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address account) view returns (uint256)',
  'function realtimeBalanceOfNow(address account) view returns (int256 availableBalance, uint256 deposit, uint256 owedDeposit, uint256 timestamp)',
]);
