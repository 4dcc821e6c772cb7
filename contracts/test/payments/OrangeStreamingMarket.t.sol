// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {OrangeStreamingMarket} from "../../src/OrangeStreamingMarket.sol";
import {FlowPermissions, ICFAv1Forwarder, ISuperTokenLike} from "../../src/payments/SuperfluidInterfaces.sol";
import {StreamingFixture} from "../utils/StreamingFixture.sol";
import {CompactSig} from "../utils/CompactSig.sol";
import {Cheats} from "../utils/TestBase.sol";
import {BareFlowOperator, BareFlowSender} from "../utils/BareFlows.sol";
import {
    AppDefinitions,
    ISuperfluidGovernanceTest,
    ISuperfluidHostTest,
    ReenteringSuperApp,
    RevertingSuperApp
} from "../utils/RevertingSuperApp.sol";

interface EtchCheats {
    function etch(address target, bytes calldata code) external;
}

/// @dev Start, stop, refunds and bonds of the per-second payment against the real Superfluid framework.
contract OrangeStreamingMarketTest is StreamingFixture {
    uint256 internal constant RATE = 2 * uint256(PRICE); // the default 2-core offer
    uint256 internal constant COVER = RATE * (TIMEOUT + GRACE);

    struct Stopped {
        uint256 rate;
        uint256 paid;
        uint256 refunded;
        bool exact;
        bool seen;
    }

    // ------------------------------------------------------------ constructor

    function test_constructorRejectsAForwarderWithoutCode() public {
        vm.expectRevert(_invalid("forwarder"));
        new OrangeStreamingMarket(START_WINDOW, GRACE, ICFAv1Forwarder(address(0x1234)), token);
    }

    function test_constructorRejectsATokenWithoutCode() public {
        vm.expectRevert(_invalid("token"));
        new OrangeStreamingMarket(START_WINDOW, GRACE, forwarder, ISuperTokenLike(address(0x1234)));
    }

    // ------------------------------------------------------------ bonds

    function test_depositBondTakesExactlyTheAmount() public {
        _fund(stranger, 5e18);
        vm.startPrank(stranger);
        token.approve(address(paid), 3e18);
        vm.expectEmit(true, true, true, true, address(paid));
        emit OrangeStreamingMarket.BondDeposited(stranger, 3e18);
        paid.depositBond(3e18);
        vm.stopPrank();
        (uint256 free, uint256 locked) = paid.bondOf(stranger);
        vm.assertEq(free, 3e18, "free");
        vm.assertEq(locked, 0, "locked");
        vm.assertEq(token.balanceOf(stranger), 2e18, "the rest stays with the provider");
        vm.assertEq(token.allowance(stranger, address(paid)), 0, "approval used up");
        _assertBalanceIsBonds();
    }

    function test_depositBondNeedsTheApproval() public {
        _fund(stranger, 5e18);
        vm.prank(stranger);
        token.approve(address(paid), 1e18);
        vm.expectRevert();
        vm.prank(stranger);
        paid.depositBond(2e18);
    }

    function test_depositAndWithdrawRejectZero() public {
        vm.expectRevert(_invalid("amount"));
        vm.prank(provider);
        paid.depositBond(0);
        vm.expectRevert(_invalid("amount"));
        vm.prank(provider);
        paid.withdrawBond(0);
    }

    function test_withdrawBondReturnsTheFreePart() public {
        uint256 before = token.balanceOf(provider);
        vm.expectEmit(true, true, true, true, address(paid));
        emit OrangeStreamingMarket.BondWithdrawn(provider, 4e18);
        vm.prank(provider);
        paid.withdrawBond(4e18);
        (uint256 free,) = paid.bondOf(provider);
        vm.assertEq(free, BOND - 4e18, "free");
        vm.assertEq(token.balanceOf(provider), before + 4e18, "paid out");
        _assertBalanceIsBonds();
    }

    function test_withdrawBondCannotTakeTheLockedPart() public {
        _runningWith(2, TIMEOUT);
        (uint256 free, uint256 locked) = paid.bondOf(provider);
        vm.assertEq(locked, COVER, "locked");
        vm.expectRevert(abi.encodeWithSelector(OrangeStreamingMarket.BondTooSmall.selector, provider, free, free + 1));
        vm.prank(provider);
        paid.withdrawBond(free + 1);
        vm.prank(provider);
        paid.withdrawBond(free);
        _assertBalanceIsBonds();
    }

    // ------------------------------------------------------------ start

    function test_startOpensTheFlowAndLocksTheCover() public {
        uint256 jobId = _accepted();
        vm.prank(provider);
        market.startJob(jobId);
        vm.assertEq(_flow(), RATE, "flow");
        vm.assertEq(paid.pairRate(requester, provider), RATE, "pairRate");
        vm.assertEq(paid.maxCostOf(jobId), COVER, "maxCostOf");
        (uint256 free, uint256 locked) = paid.bondOf(provider);
        vm.assertEq(locked, COVER, "locked");
        vm.assertEq(free, BOND - COVER, "free");
    }

    function test_startWithoutOperatorPermissionFails() public {
        _authorize(requester, 0, 0);
        uint256 jobId = _accepted();
        vm.prank(provider);
        vm.expectRevert();
        market.startJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Accepted);
    }

    function test_startBeyondTheAllowanceFails() public {
        _authorize(requester, FlowPermissions.ALL, int96(int256(RATE)) - 1);
        uint256 jobId = _accepted();
        vm.prank(provider);
        vm.expectRevert();
        market.startJob(jobId);
    }

    function test_startWithATooSmallBondFails() public {
        vm.prank(provider);
        paid.withdrawBond(BOND - COVER + 1);
        uint256 jobId = _accepted();
        vm.expectRevert(abi.encodeWithSelector(OrangeStreamingMarket.BondTooSmall.selector, provider, COVER - 1, COVER));
        vm.prank(provider);
        market.startJob(jobId);
    }

    function test_freeJobStreamsNothingAndLocksNothing() public {
        uint256 jobId = _hire(_offerOf(provider, 2, 0));
        vm.prank(provider);
        market.startJob(jobId);
        vm.assertEq(_flow(), 0, "no flow");
        (, uint256 locked) = paid.bondOf(provider);
        vm.assertEq(locked, 0, "no lock");
        vm.warp(T0 + 10);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    // ------------------------------------------------------------ end

    function test_completeStopsTheFlowAndBillsTheSecondsRun() public {
        uint256 jobId = _running();
        int256 providerBefore = _balance(provider);
        vm.warp(T0 + 100);
        Stopped memory s = _complete(jobId);
        vm.assertEq(_flow(), 0, "flow closed");
        vm.assertEq(s.paid, RATE * 100, "paid");
        vm.assertEq(s.refunded, 0, "nothing to refund");
        vm.assertTrue(s.exact, "exact");
        vm.assertEq(uint256(_balance(provider) - providerBefore), s.paid, "the provider got what was paid");
        (uint256 free, uint256 locked) = paid.bondOf(provider);
        vm.assertEq(free, BOND, "bond freed");
        vm.assertEq(locked, 0, "nothing locked");
    }

    function test_anExitStarvedOfGasRevertsInsteadOfLeavingTheFlowRunning() public {
        uint256 jobId = _running();
        vm.warp(T0 + 10);
        // Enough for the exit's own work, too little for Superfluid to lower the flow: the exit
        // reverts (the provider must send more gas), it never ends the job with the flow still on.
        vm.prank(provider);
        vm.expectRevert(OrangeStreamingMarket.GasTooLow.selector);
        market.completeJob{gas: 400_000}(jobId, "bafyresult", 0, 0);
        vm.assertEq(_flow(), RATE, "the flow still runs for the job, which still runs");
        Stopped memory s = _complete(jobId);
        vm.assertEq(s.paid, RATE * 10, "completed with enough gas, it bills what ran");
        vm.assertEq(_flow(), 0, "and closes the flow");
    }

    function test_aRunIsBilledAtLeastOneSecond() public {
        uint256 jobId = _running();
        vm.warp(T0 + 1);
        Stopped memory s = _complete(jobId);
        vm.assertEq(s.paid, RATE, "one second");
    }

    function test_failAndCancelStopTheFlow() public {
        uint256 a = _running();
        vm.warp(T0 + 5);
        vm.prank(provider);
        market.failJob(a, "crash", "");
        vm.assertEq(_flow(), 0, "closed by fail");
        uint256 b = _running();
        vm.warp(T0 + 9);
        vm.prank(requester);
        market.cancelJob(b);
        vm.assertEq(_flow(), 0, "closed by cancel");
    }

    function test_concurrentJobsShareOneFlow() public {
        uint256 a = _runningWith(2, TIMEOUT);
        vm.warp(T0 + 10);
        uint256 b = _runningWith(3, TIMEOUT);
        vm.assertEq(_flow(), 5 * uint256(PRICE), "sum");
        vm.warp(T0 + 30);
        Stopped memory sa = _complete(a);
        vm.assertEq(_flow(), 3 * uint256(PRICE), "b's share remains");
        vm.assertEq(sa.paid, 2 * uint256(PRICE) * 30, "a paid");
        vm.warp(T0 + 50);
        Stopped memory sb = _complete(b);
        vm.assertEq(sb.paid, 3 * uint256(PRICE) * 40, "b paid");
        vm.assertEq(_flow(), 0, "closed");
    }

    function test_expiryRefundsTheOverrunFromTheBond() public {
        uint256 jobId = _running();
        uint256 runBy = market.getJob(jobId).deadline;
        int256 requesterBefore = _balance(requester);
        vm.warp(runBy + 100);
        vm.recordLogs();
        market.expireJob(jobId);
        Stopped memory s = _stopped();
        vm.assertEq(s.paid, RATE * (TIMEOUT + GRACE + 100), "paid");
        vm.assertEq(s.refunded, RATE * 100, "the overrun");
        vm.assertTrue(s.exact, "exact");
        vm.assertEq(uint256(requesterBefore - _balance(requester)), COVER, "the requester paid exactly the cover");
        (uint256 free, uint256 locked) = paid.bondOf(provider);
        vm.assertEq(free, BOND - RATE * 100, "the bond paid the refund");
        vm.assertEq(locked, 0, "unlocked");
        _assertBalanceIsBonds();
    }

    function test_refundIsCappedAtTheLock() public {
        uint256 jobId = _running();
        uint256 runBy = market.getJob(jobId).deadline;
        vm.warp(runBy + 3 * (TIMEOUT + GRACE));
        vm.recordLogs();
        market.expireJob(jobId);
        Stopped memory s = _stopped();
        vm.assertEq(s.refunded, COVER, "at most the lock");
        (uint256 free,) = paid.bondOf(provider);
        vm.assertEq(free, BOND - COVER, "the rest of the bond stays");
    }

    function test_aLoweredFlowIsRefundedOnlyWhatItPaid() public {
        // The v1 drain: lower the flow to 1 wei/s, wait past runBy, expire. Only what the flow
        // really paid past the cover comes back, and nothing else of the provider's.
        uint256 jobId = _running();
        uint256 runBy = market.getJob(jobId).deadline;
        vm.warp(T0 + 10);
        vm.prank(requester);
        forwarder.setFlowrate(address(token), provider, 1);
        int256 providerBefore = _balance(provider);
        (uint256 bondBefore,) = paid.bondOf(provider);
        vm.warp(runBy + 1000);
        vm.recordLogs();
        market.expireJob(jobId);
        Stopped memory s = _stopped();
        // Someone else changed the flow at T0 + 10: [T0, T0 + 10) is unknown to the market and counts
        // as unpaid; from T0 + 10 on the flow paid 1 wei/s.
        vm.assertEq(s.paid, runBy + 1000 - T0 - 10, "paid from the change on");
        vm.assertEq(s.refunded, 0, "paid less than the cover: no refund");
        vm.assertFalse(s.exact, "someone else changed the flow");
        (uint256 bondAfter,) = paid.bondOf(provider);
        vm.assertEq(bondAfter, bondBefore + COVER, "the provider's bond is whole again");
        vm.assertGe(_balance(provider), providerBefore, "the provider lost nothing");
    }

    function test_aDeletedFlowIsNotRefunded() public {
        uint256 jobId = _running();
        uint256 runBy = market.getJob(jobId).deadline;
        vm.warp(T0 + 10);
        vm.prank(requester);
        forwarder.setFlowrate(address(token), provider, 0);
        (uint256 lastUpdated,,,) = forwarder.getFlowInfo(address(token), requester, provider);
        vm.assertEq(lastUpdated, 0, "the CFA forgets a deleted flow's time");
        vm.warp(runBy + 1000);
        vm.recordLogs();
        market.expireJob(jobId);
        Stopped memory s = _stopped();
        vm.assertEq(s.paid, 0, "the whole stretch is unknown");
        vm.assertEq(s.refunded, 0, "no refund");
        vm.assertFalse(s.exact, "inexact");
    }

    function test_aDeletedThenRecreatedFlowCountsFromItsRecreation() public {
        uint256 jobId = _running();
        uint256 runBy = market.getJob(jobId).deadline;
        vm.warp(T0 + 10);
        vm.prank(requester);
        forwarder.setFlowrate(address(token), provider, 0);
        vm.warp(T0 + 20);
        vm.prank(requester);
        forwarder.setFlowrate(address(token), provider, int96(int256(RATE)));
        vm.warp(runBy + 100);
        vm.recordLogs();
        market.expireJob(jobId);
        Stopped memory s = _stopped();
        vm.assertEq(s.paid, RATE * (runBy + 100 - T0 - 20), "paid from the recreation on");
        vm.assertEq(s.refunded, RATE * 80, "refund of what it paid beyond the cover");
        vm.assertFalse(s.exact, "inexact");
    }

    function test_endingAfterTheRequesterRevokedTheOperatorLeavesTheFlowToIt() public {
        uint256 jobId = _running();
        _authorize(requester, 0, 0);
        vm.warp(T0 + 10);
        vm.expectEmit(true, true, true, true, address(paid));
        emit OrangeStreamingMarket.FlowLeftToRequester(jobId, requester, provider);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.assertEq(_flow(), RATE, "still flowing: the requester's to stop");
        _assertState(jobId, OrangeMarket.JobState.Completed);
    }

    function test_aNewStartRecreatesADeletedPairFlow() public {
        _running();
        vm.prank(requester);
        forwarder.setFlowrate(address(token), provider, 0);
        vm.warp(T0 + 5);
        _runningWith(3, TIMEOUT);
        vm.assertEq(_flow(), RATE + 3 * uint256(PRICE), "the pair's booked rate");
    }

    // ------------------------------------------------------------ hostile receivers, critical requesters

    function test_aSuperAppProviderCannotBlockLoweringASharedFlow() public {
        uint256 a = _runningOf(otherProvider, 1, TIMEOUT);
        uint256 b = _runningOf(otherProvider, 2, TIMEOUT);
        // An app that reverts on updates could not have taken the second job: it turns hostile now.
        _makeRevertingApp(otherProvider);
        vm.warp(T0 + 10);
        // Lowering the pair's flow to b's rate reverts in the app's callback; the market deletes it.
        vm.recordLogs();
        vm.prank(requester);
        market.cancelJob(a);
        Stopped memory s = _stopped();
        _assertState(a, OrangeMarket.JobState.Cancelled);
        vm.assertEq(s.paid, uint256(PRICE) * 10, "a was paid its 10 s");
        vm.assertEq(_flowOf(requester, otherProvider), 0, "deleted: a deletion cannot be refused");
        vm.assertTrue(ISuperfluidHostTest(sf.host).isAppJailed(otherProvider), "the app was jailed");
        // b's share stopped with the deletion: the market knows it, so b's books stay exact.
        vm.warp(T0 + 30);
        vm.recordLogs();
        vm.prank(requester);
        market.cancelJob(b);
        Stopped memory sb = _stopped();
        vm.assertEq(sb.paid, 2 * uint256(PRICE) * 10, "b was paid until the deletion");
        vm.assertTrue(sb.exact, "exact");
        _assertBalanceIsBonds();
    }

    function test_aSuperAppProviderCannotBlockClosingTheFlow() public {
        _makeRevertingApp(otherProvider);
        uint256 jobId = _runningOf(otherProvider, 2, TIMEOUT);
        vm.warp(uint256(market.getJob(jobId).deadline) + 1);
        vm.prank(stranger);
        market.expireJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Expired);
        vm.assertEq(_flowOf(requester, otherProvider), 0, "closed");
    }

    function test_aProviderCannotReenterTheMarketFromItsFlowCallback() public {
        uint256 a = _runningOf(otherProvider, 1, TIMEOUT);
        uint256 b = _runningOf(otherProvider, 2, TIMEOUT);
        vm.prank(otherProvider);
        ISuperfluidHostTest(sf.host).registerApp(AppDefinitions.REVERT_ON_CHANGE);
        EtchCheats(address(vm)).etch(otherProvider, address(new ReenteringSuperApp()).code);
        ReenteringSuperApp(otherProvider).arm(address(market), b);
        vm.warp(T0 + 10);
        // Lowering calls the app, which tries to fail b inside a's payment hook: refused
        // (Reentered), so the update reverts and the market deletes the flow; the deletion's
        // callback tries again, is refused again, and the host jails the app.
        vm.prank(requester);
        market.cancelJob(a);
        _assertState(a, OrangeMarket.JobState.Cancelled);
        _assertState(b, OrangeMarket.JobState.Running);
        vm.assertEq(paid.pairRate(requester, otherProvider), 2 * uint256(PRICE), "b still booked");
        vm.assertEq(_flowOf(requester, otherProvider), 0, "deleted");
        vm.assertTrue(ISuperfluidHostTest(sf.host).isAppJailed(otherProvider), "jailed");
        vm.warp(T0 + 20);
        vm.prank(otherProvider);
        market.failJob(b, "unpaid", "");
        vm.assertEq(paid.pairRate(requester, otherProvider), 0, "books consistent");
        (, uint256 locked) = paid.bondOf(otherProvider);
        vm.assertEq(locked, 0, "every lock released");
        _assertBalanceIsBonds();
    }

    function test_aCriticalRequestersSharedFlowIsStillLowered() public {
        address poor = _poorRequester();
        uint256 a = _runningFor(poor, 1, 3600);
        uint256 b = _runningFor(poor, 1, 3600);
        vm.warp(T0 + 2000);
        vm.assertTrue(token.isAccountCriticalNow(poor), "critical");
        // A start raises the flow, which the CFA refuses for a critical sender.
        OrangeMarket.Offer memory offer = _offerOf(provider, 1, PRICE);
        offer.requester = poor;
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(poor);
        uint256 c = market.hireJob(offer, signature.r, signature.vs, _request(3600), KFRAG);
        vm.expectRevert();
        vm.prank(provider);
        market.startJob(c);
        vm.prank(provider);
        market.completeJob(a, "bafyresult", 0, 0);
        vm.assertEq(_flowOf(poor, provider), uint256(PRICE), "lowered to b's rate (the CFA allows lowering)");
        vm.prank(provider);
        market.failJob(b, "unpaid", "");
        vm.assertEq(_flowOf(poor, provider), 0, "closed");
        _assertBalanceIsBonds();
    }

    function test_aLiquidationRewardGoesToTheProvider() public {
        _clearRewardAddress();
        address poor = _poorRequester();
        uint256 jobId = _runningFor(poor, 2, 3600);
        vm.warp(T0 + 2000);
        vm.assertTrue(token.isAccountCriticalNow(poor), "critical");
        int256 providerBefore = _balance(provider);
        vm.recordLogs();
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        Cheats.Log[] memory logs = vm.getRecordedLogs();
        Stopped memory s = _stoppedIn(logs);
        uint256 reward = _rewardIn(logs, provider);
        vm.assertGe(reward, 1, "the market liquidated the flow and passed the reward on");
        // The streamed part is already in the provider's real-time balance at T0 + 2000.
        vm.assertEq(uint256(_balance(provider) - providerBefore), reward, "the reward on top");
        vm.assertEq(s.paid, 2 * uint256(PRICE) * 2000, "paid");
        _assertBalanceIsBonds();
    }

    function test_aShortRunsLiquidationRewardIsLeftForTheNextCheck() public {
        // Closing a pair after a run shorter than REWARD_CHECK_AFTER_SEC skips the balance read: a
        // reward the market earns then (only without a governance reward address) waits for the
        // next check, which hands everything above the bonds to that check's provider.
        _clearRewardAddress();
        address poor = address(0xF00D);
        _fund(poor, 2.9e16); // the deposit and about 100 s of a 2e12/s flow
        _authorize(poor, FlowPermissions.ALL, ALLOWANCE);
        uint256 jobId = _runningFor(poor, 2, 3600);
        vm.warp(T0 + 300);
        vm.assertTrue(token.isAccountCriticalNow(poor), "critical");
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.assertGe(token.balanceOf(address(paid)), paid.totalBonds() + 1, "the reward waits in the market");
    }

    // ------------------------------------------------------------ lifecycles measured by the gas report

    /// @dev Four paid lifecycles of one pair in a row (see test_lifecycle_free), beside four bare
    /// create + delete pairs of Superfluid's own forwarder below: the difference is the market's cost.
    function test_lifecycle_paid() public {
        for (uint256 i = 0; i < 4; i++) {
            uint256 jobId = _hireAsTheSdk(_offerOf(provider, 1, PRICE));
            vm.prank(provider);
            market.startJob(jobId);
            vm.warp(block.timestamp + 3);
            vm.prank(provider);
            market.completeJob(jobId, "bafkreiresultresultresultresultresultresultresultresultre", 0, 0);
            vm.assertEq(_flow(), 0, "closed");
        }
    }

    function test_lifecycle_bareForwarderCreateAndDelete() public {
        BareFlowSender sender = new BareFlowSender(address(forwarder), address(token));
        _fund(address(sender), 100e18);
        BareFlowOperator operator = new BareFlowOperator(forwarder, address(token));
        _authorize(requester, FlowPermissions.ALL, ALLOWANCE);
        vm.prank(requester);
        forwarder.updateFlowOperatorPermissions(address(token), address(operator), FlowPermissions.ALL, ALLOWANCE);
        int96 rate = int96(int256(uint256(PRICE)));
        for (uint256 i = 0; i < 4; i++) {
            sender.open(provider, rate);
            operator.open(requester, otherProvider, rate);
            vm.warp(block.timestamp + 3);
            sender.close(provider);
            operator.close(requester, otherProvider);
        }
        vm.assertEq(_flowOf(requester, otherProvider), 0, "closed");
    }

    // ------------------------------------------------------------ helpers

    /// @dev Registers `who` as a Super App (from its own account, before it has code) and puts the
    /// reverting app's code at its address: the provider keeps its key, so it still signs offers.
    function _makeRevertingApp(address who) internal {
        vm.prank(who);
        ISuperfluidHostTest(sf.host).registerApp(AppDefinitions.REVERT_ON_CHANGE);
        EtchCheats(address(vm)).etch(who, address(new RevertingSuperApp()).code);
        vm.assertTrue(ISuperfluidHostTest(sf.host).isApp(who), "registered");
    }

    function _runningOf(address who, uint32 cores, uint32 timeoutSec) internal returns (uint256 jobId) {
        OrangeMarket.Offer memory offer = _offerOf(who, cores, PRICE);
        CompactSig memory signature = _sign(_keyOf(who), offer);
        vm.prank(requester);
        jobId = market.hireJob(offer, signature.r, signature.vs, _request(timeoutSec), KFRAG);
        vm.prank(who);
        market.startJob(jobId);
    }

    /// @dev A requester whose 3.2e16 cover the deposit of a 2e12/s flow and about 1,600 s of it.
    function _poorRequester() internal returns (address poor) {
        poor = address(0xF00D);
        _fund(poor, 3.2e16);
        _authorize(poor, FlowPermissions.ALL, ALLOWANCE);
    }

    function _runningFor(address who, uint32 cores, uint32 timeoutSec) internal returns (uint256 jobId) {
        OrangeMarket.Offer memory offer = _offerOf(provider, cores, PRICE);
        offer.requester = who;
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(who);
        jobId = market.hireJob(offer, signature.r, signature.vs, _request(timeoutSec), KFRAG);
        vm.prank(provider);
        market.startJob(jobId);
    }

    /// @dev Without a governance reward address Superfluid pays a liquidation's reward to the liquidator.
    function _clearRewardAddress() internal {
        ISuperfluidGovernanceTest gov = ISuperfluidGovernanceTest(sf.governance);
        vm.prank(gov.owner());
        gov.setRewardAddress(sf.host, address(0), address(0));
        vm.assertEq(gov.getRewardAddress(sf.host, address(token)), address(0), "no reward address");
    }

    /// @dev The RewardForwarded amount to `to` among these logs.
    function _rewardIn(Cheats.Log[] memory logs, address to) internal view returns (uint256 amount) {
        for (uint256 i = 0; i < logs.length; i++) {
            if (
                logs[i].emitter == address(paid) && logs[i].topics[0] == OrangeStreamingMarket.RewardForwarded.selector
                    && logs[i].topics[1] == bytes32(uint256(uint160(to)))
            ) amount += abi.decode(logs[i].data, (uint256));
        }
    }

    function _complete(uint256 jobId) internal returns (Stopped memory) {
        vm.recordLogs();
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        return _stopped();
    }

    /// @dev The PaymentStopped among the logs recorded since vm.recordLogs().
    function _stopped() internal returns (Stopped memory) {
        return _stoppedIn(vm.getRecordedLogs());
    }

    function _stoppedIn(Cheats.Log[] memory logs) internal view returns (Stopped memory s) {
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter == address(paid) && logs[i].topics[0] == OrangeStreamingMarket.PaymentStopped.selector)
            {
                (s.rate, s.paid, s.refunded, s.exact) = abi.decode(logs[i].data, (uint256, uint256, uint256, bool));
                s.seen = true;
            }
        }
        require(s.seen, "PaymentStopped emitted");
    }

    function _assertBalanceIsBonds() internal view {
        vm.assertEq(token.balanceOf(address(paid)), paid.totalBonds(), "market balance == sum of bonds");
    }
}
