// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

/// @dev The parts of Superfluid's CFAv1Forwarder the market calls, declared here so that no
/// Superfluid source enters our build (docs/payments.md says why). The signatures are those of
/// Superfluid ethereum-contracts 1.15 (`ISuperToken` is an address in the ABI); the
/// forge tests run them against the real framework, so a mismatch fails there.
interface ICFAv1Forwarder {
    /// Creates, updates or deletes (flowrate 0) the sender -> receiver flow; the caller must be
    /// the sender or one of its flow operators with the needed permission and allowance.
    function setFlowrateFrom(address token, address sender, address receiver, int96 flowrate) external returns (bool);
    function getFlowrate(address token, address sender, address receiver) external view returns (int96 flowrate);
    function getFlowInfo(address token, address sender, address receiver)
        external
        view
        returns (uint256 lastUpdated, int96 flowrate, uint256 deposit, uint256 owedDeposit);
    /// The deposit (buffer) a flow at this rate locks from the sender.
    function getBufferAmountByFlowrate(address token, int96 flowrate) external view returns (uint256 bufferAmount);
    /// Incoming minus outgoing flow rate of the account.
    function getAccountFlowrate(address token, address account) external view returns (int96 flowrate);
    function getFlowOperatorPermissions(address token, address sender, address flowOperator)
        external
        view
        returns (uint8 permissions, int96 flowrateAllowance);
    function updateFlowOperatorPermissions(address token, address flowOperator, uint8 permissions, int96 allowance)
        external
        returns (bool);
}

/// @dev The parts of a Superfluid super token (an ERC-20 with real-time balances) the market reads.
interface ISuperTokenLike {
    /// availableBalance already subtracts the deposits of the account's outgoing flows.
    function realtimeBalanceOfNow(address account)
        external
        view
        returns (int256 availableBalance, uint256 deposit, uint256 owedDeposit, uint256 timestamp);
    /// True when the account's available balance is negative: its flows are due for liquidation.
    function isAccountCriticalNow(address account) external view returns (bool);
    function balanceOf(address account) external view returns (uint256);
    function allowance(address owner, address spender) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @dev Permission bits of Superfluid's FlowOperatorDefinitions.
library FlowPermissions {
    uint8 internal constant CREATE = 1;
    uint8 internal constant UPDATE = 2;
    uint8 internal constant DELETE = 4;
    uint8 internal constant ALL = CREATE | UPDATE | DELETE;
}
