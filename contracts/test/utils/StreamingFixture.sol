// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {OrangeStreamingMarket} from "../../src/OrangeStreamingMarket.sol";
import {FlowPermissions, ICFAv1Forwarder, ISuperTokenLike} from "../../src/payments/SuperfluidInterfaces.sol";
import {MarketFixture} from "./MarketFixture.sol";
import {CompactSig} from "./CompactSig.sol";
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

/// @dev The forwarder as the requester itself uses it (the market never does).
interface ICFAv1ForwarderTest is ICFAv1Forwarder {
    function setFlowrate(address token, address receiver, int96 flowrate) external returns (bool);
}

/// @dev The real Superfluid framework, a wrapper super token, the streaming market, two bonded
/// providers, and a requester that holds tokens and made the market its flow operator.
abstract contract StreamingFixture is MarketFixture, SuperfluidFromArtifacts {
    uint96 internal constant PRICE = 1e12; // token wei per core-second
    uint256 internal constant MINT_LIMIT = 1e24;
    int96 internal constant ALLOWANCE = 1e18; // flow-rate budget the requester grants the market
    uint256 internal constant BOND = 10e18;

    OrangeStreamingMarket internal paid;
    ICFAv1ForwarderTest internal forwarder;
    ISuperTokenTest internal token;
    ITestToken internal underlying;
    SuperfluidFramework internal sf;

    function setUp() public virtual override {
        ISuperfluidFrameworkDeployer deployer;
        (deployer, sf) = _deploySuperfluid();
        forwarder = ICFAv1ForwarderTest(sf.cfaV1Forwarder);
        (address underlyingAddress, address superToken) =
            deployer.deployWrapperSuperToken("Test USD", "TUSD", 18, MINT_LIMIT, address(0));
        underlying = ITestToken(underlyingAddress);
        token = ISuperTokenTest(superToken);
        super.setUp();
        paid = OrangeStreamingMarket(address(market));

        _bond(provider, BOND);
        _bond(otherProvider, BOND);
        _fund(requester, 1000e18);
        _authorize(requester, FlowPermissions.ALL, ALLOWANCE);
    }

    function _deployMarket() internal virtual override returns (OrangeMarket) {
        return new OrangeStreamingMarket(START_WINDOW, GRACE, forwarder, token);
    }

    function _price() internal pure virtual override returns (uint96) {
        return PRICE;
    }

    /// @dev Mints `amount` (at most MINT_LIMIT) of the underlying to `who` and wraps it.
    function _fund(address who, uint256 amount) internal {
        underlying.mint(who, amount);
        vm.startPrank(who);
        underlying.approve(address(token), amount);
        token.upgrade(amount);
        vm.stopPrank();
    }

    /// @dev Funds `who` and deposits exactly `amount` as its bond (approving exactly that much).
    function _bond(address who, uint256 amount) internal {
        _fund(who, amount);
        vm.startPrank(who);
        token.approve(address(paid), amount);
        paid.depositBond(amount);
        vm.stopPrank();
    }

    function _authorize(address who, uint8 permissions, int96 allowance) internal {
        vm.prank(who);
        forwarder.updateFlowOperatorPermissions(address(token), address(paid), permissions, allowance);
    }

    /// @dev A job of `cores` at PRICE hired from `provider` with this timeout.
    function _acceptedWith(uint32 cores, uint32 timeoutSec) internal returns (uint256 jobId) {
        OrangeMarket.Offer memory offer = _offerOf(provider, cores, PRICE);
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(requester);
        jobId = market.hireJob(offer, signature.r, signature.vs, _request(timeoutSec), KFRAG);
    }

    function _runningWith(uint32 cores, uint32 timeoutSec) internal returns (uint256 jobId) {
        jobId = _acceptedWith(cores, timeoutSec);
        vm.prank(provider);
        market.startJob(jobId);
    }

    function _flow() internal view returns (uint256) {
        return _flowOf(requester, provider);
    }

    function _flowOf(address from, address to) internal view returns (uint256) {
        return uint256(uint96(forwarder.getFlowrate(address(token), from, to)));
    }

    /// @dev What the account holds now: its available balance plus the deposits its flows lock.
    function _balance(address who) internal view returns (int256) {
        (int256 available, uint256 deposit,,) = token.realtimeBalanceOfNow(who);
        return available + int256(deposit);
    }
}
