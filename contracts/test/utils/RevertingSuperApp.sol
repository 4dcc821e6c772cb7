// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

/// @dev The parts of Superfluid's host (1.15) the Super App tests use.
interface ISuperfluidHostTest {
    function registerApp(uint256 configWord) external;
    function isApp(address app) external view returns (bool);
    function isAppJailed(address app) external view returns (bool);
}

/// @dev The parts of Superfluid's governance (TestGovernance) the liquidation tests use.
interface ISuperfluidGovernanceTest {
    function owner() external view returns (address);
    function setRewardAddress(address host, address superToken, address rewardAddress) external;
    function getRewardAddress(address host, address superToken) external view returns (address);
}

/// @dev Superfluid's SuperAppDefinitions bits.
library AppDefinitions {
    uint256 internal constant APP_LEVEL_FINAL = 1 << 0;
    uint256 internal constant BEFORE_AGREEMENT_CREATED_NOOP = 1 << 32;
    uint256 internal constant AFTER_AGREEMENT_CREATED_NOOP = 1 << 33;
    uint256 internal constant BEFORE_AGREEMENT_UPDATED_NOOP = 1 << 34;
    uint256 internal constant BEFORE_AGREEMENT_TERMINATED_NOOP = 1 << 36;
    /// Accepts a flow's creation without a callback; calls afterAgreementUpdated and
    /// afterAgreementTerminated, which this app reverts in.
    uint256 internal constant REVERT_ON_CHANGE = APP_LEVEL_FINAL | BEFORE_AGREEMENT_CREATED_NOOP
        | AFTER_AGREEMENT_CREATED_NOOP | BEFORE_AGREEMENT_UPDATED_NOOP | BEFORE_AGREEMENT_TERMINATED_NOOP;
}

/// @dev A hostile provider: a Super App receiver that reverts whenever a flow to it is lowered or
/// deleted, to block the market's exits. The tests register the provider's account as an app (from
/// the account itself, before it has code) and then put this code at its address, the way an
/// EIP-7702 delegation would: the provider keeps its key and signs offers.
contract RevertingSuperApp {
    error NoYouDont();

    function afterAgreementUpdated(address, address, bytes32, bytes calldata, bytes calldata, bytes calldata)
        external
        pure
        returns (bytes memory)
    {
        revert NoYouDont();
    }

    function afterAgreementTerminated(address, address, bytes32, bytes calldata, bytes calldata, bytes calldata)
        external
        pure
        returns (bytes memory)
    {
        revert NoYouDont();
    }
}

interface IFailJob {
    function failJob(uint256 jobId, string calldata reason, string calldata resultCid) external;
}

/// @dev A hostile provider that, from its flow callbacks, calls back into the market to end another
/// of its jobs while the market is in the middle of a payment hook. Put at the provider's address
/// like RevertingSuperApp; `arm` (called at that address) names the job.
contract ReenteringSuperApp {
    address private _market;
    uint256 private _jobId;

    function arm(address market, uint256 jobId) external {
        _market = market;
        _jobId = jobId;
    }

    function afterAgreementUpdated(address, address, bytes32, bytes calldata, bytes calldata, bytes calldata ctx)
        external
        returns (bytes memory)
    {
        IFailJob(_market).failJob(_jobId, "re-entered", "");
        return ctx;
    }

    function afterAgreementTerminated(address, address, bytes32, bytes calldata, bytes calldata, bytes calldata ctx)
        external
        returns (bytes memory)
    {
        IFailJob(_market).failJob(_jobId, "re-entered", "");
        return ctx;
    }
}
