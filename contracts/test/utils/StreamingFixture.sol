// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {OrangeStreamingMarket} from "../../src/OrangeStreamingMarket.sol";
import {FlowPermissions, ICFAv1Forwarder, ISuperTokenLike} from "../../src/payments/SuperfluidInterfaces.sol";
import {
    ISuperfluidFrameworkDeployer,
    SuperfluidFramework,
    SuperfluidFromArtifacts
} from "./SuperfluidFromArtifacts.sol";

/// @dev The test ERC-20 under the super token (Superfluid's TestToken) and the super token's wrapping.
interface ITestToken {
    function mint(address account, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
}

interface ISuperTokenTest is ISuperTokenLike {
    function upgrade(uint256 amount) external;
    function approve(address spender, uint256 amount) external returns (bool);
}

/// @dev The real Superfluid framework, a wrapper super token, the streaming market, one provider,
/// and a requester that holds tokens and made the market its flow operator.
abstract contract StreamingFixture is SuperfluidFromArtifacts {
    uint32 internal constant START_WINDOW = 300;
    uint32 internal constant GRACE = 60;
    uint256 internal constant T0 = 1_700_000_000;
    uint96 internal constant PRICE = 1e12; // token wei per core-second
    uint256 internal constant MINT_LIMIT = 1e24;
    int96 internal constant ALLOWANCE = 1e18; // flow-rate budget the requester grants the market

    OrangeStreamingMarket internal market;
    ICFAv1Forwarder internal forwarder;
    ISuperTokenTest internal token;
    ITestToken internal underlying;

    address internal requester = address(0xA11CE);
    address internal provider = address(0xB0B);
    address internal stranger = address(0x5757);

    function setUp() public virtual {
        vm.warp(T0);
        (ISuperfluidFrameworkDeployer deployer, SuperfluidFramework memory sf) = _deploySuperfluid();
        forwarder = ICFAv1Forwarder(sf.cfaV1Forwarder);
        (address underlyingAddress, address superToken) =
            deployer.deployWrapperSuperToken("Test USD", "TUSD", 18, MINT_LIMIT, address(0));
        underlying = ITestToken(underlyingAddress);
        token = ISuperTokenTest(superToken);
        market = new OrangeStreamingMarket(START_WINDOW, GRACE, forwarder, token);

        vm.prank(provider);
        market.registerProvider(_offer(8, 8192, PRICE));
        // Providers approve the market once so that it can hand back a run's overrun (docs/payments.md).
        vm.prank(provider);
        token.approve(address(market), type(uint256).max);

        _fund(requester, 1000e18);
        _authorize(requester, FlowPermissions.ALL, ALLOWANCE);
    }

    /// @dev Mints `amount` (at most MINT_LIMIT) of the underlying to `who` and wraps it.
    function _fund(address who, uint256 amount) internal {
        underlying.mint(who, amount);
        vm.startPrank(who);
        underlying.approve(address(token), amount);
        token.upgrade(amount);
        vm.stopPrank();
    }

    function _authorize(address who, uint8 permissions, int96 allowance) internal {
        vm.prank(who);
        forwarder.updateFlowOperatorPermissions(address(token), address(market), permissions, allowance);
    }

    function _offer(uint32 cores, uint32 memoryMb, uint96 price)
        internal
        pure
        returns (OrangeMarket.ProviderOffer memory)
    {
        return OrangeMarket.ProviderOffer({
            cores: cores,
            memoryMb: memoryMb,
            pricePerCoreSecond: price,
            umbralPublicKey: hex"02aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899",
            runtimes: "python3",
            endpoint: "",
            ipfsPeers: ""
        });
    }

    function _request(uint32 cores, uint32 timeoutSec) internal pure returns (OrangeMarket.JobRequest memory) {
        return OrangeMarket.JobRequest({
            name: "hello.py",
            runtime: "python3",
            cores: cores,
            memoryMb: 1024,
            timeoutSec: timeoutSec,
            maxPricePerCoreSecond: PRICE,
            manifestCid: "bafkreiexamplemanifest",
            provider: address(0),
            acceptWindowSec: 0
        });
    }

    function _accepted(uint32 cores, uint32 timeoutSec) internal returns (uint256 jobId) {
        vm.prank(requester);
        jobId = market.postJob(_request(cores, timeoutSec));
        vm.prank(provider);
        market.acceptJob(jobId);
    }

    function _running(uint32 cores, uint32 timeoutSec) internal returns (uint256 jobId) {
        jobId = _accepted(cores, timeoutSec);
        vm.prank(provider);
        market.startJob(jobId);
    }

    function _flow() internal view returns (uint256) {
        return uint256(uint96(forwarder.getFlowrate(address(token), requester, provider)));
    }

    /// @dev What the account holds now: its available balance plus the deposits its flows lock.
    function _balance(address who) internal view returns (int256) {
        (int256 available, uint256 deposit,,) = token.realtimeBalanceOfNow(who);
        return available + int256(deposit);
    }
}
