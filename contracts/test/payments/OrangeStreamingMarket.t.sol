// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {OrangeStreamingMarket} from "../../src/OrangeStreamingMarket.sol";
import {FlowPermissions, ICFAv1Forwarder, ISuperTokenLike} from "../../src/payments/SuperfluidInterfaces.sol";
import {StreamingFixture} from "../utils/StreamingFixture.sol";
import {Cheats} from "../utils/TestBase.sol";

/// @dev Start, stop and expiry of the per-second payment against the real Superfluid framework.
contract OrangeStreamingMarketTest is StreamingFixture {
    uint256 internal constant RATE_2_CORES = 2 * uint256(PRICE);

    // ------------------------------------------------------------ start

    function test_startOpensTheFlowAtCoresTimesPrice() public {
        uint256 jobId = _running(2, 600);
        vm.assertEq(_flow(), RATE_2_CORES, "flow");
        vm.assertEq(market.pairRate(requester, provider), RATE_2_CORES, "pairRate");
        vm.assertEq(market.rateOf(jobId), RATE_2_CORES, "rateOf");
        vm.assertEq(market.maxCostOf(jobId), RATE_2_CORES * (600 + GRACE), "maxCostOf");
    }

    function test_startEmitsPaymentStarted() public {
        uint256 jobId = _accepted(2, 600);
        vm.recordLogs();
        vm.prank(provider);
        market.startJob(jobId);
        bytes32 topic = OrangeStreamingMarket.PaymentStarted.selector;
        bool seen;
        Cheats.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter == address(market) && logs[i].topics[0] == topic) {
                (uint256 rate, uint256 pair) = abi.decode(logs[i].data, (uint256, uint256));
                vm.assertEq(rate, RATE_2_CORES, "event rate");
                vm.assertEq(pair, RATE_2_CORES, "event pairRate");
                seen = true;
            }
        }
        vm.assertTrue(seen, "PaymentStarted emitted");
    }

    function test_startWithoutOperatorPermissionFails() public {
        _authorize(requester, 0, 0);
        uint256 jobId = _accepted(2, 600);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(
                OrangeStreamingMarket.PaymentNotAuthorized.selector, jobId, requester, 0, int96(0), RATE_2_CORES
            )
        );
        market.startJob(jobId);
        vm.assertEq(uint256(market.getJob(jobId).state), uint256(OrangeMarket.JobState.Accepted), "still accepted");
    }

    function test_startWithoutDeleteRightFails() public {
        // Create and update alone would let the flow start but not stop: refused up front.
        _authorize(requester, FlowPermissions.CREATE | FlowPermissions.UPDATE, ALLOWANCE);
        uint256 jobId = _accepted(2, 600);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(
                OrangeStreamingMarket.PaymentNotAuthorized.selector, jobId, requester, 3, ALLOWANCE, RATE_2_CORES
            )
        );
        market.startJob(jobId);
    }

    function test_startBeyondTheAllowanceFails() public {
        _authorize(requester, FlowPermissions.ALL, int96(int256(RATE_2_CORES)) - 1);
        uint256 jobId = _accepted(2, 600);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(
                OrangeStreamingMarket.PaymentNotAuthorized.selector,
                jobId,
                requester,
                FlowPermissions.ALL,
                int96(int256(RATE_2_CORES)) - 1,
                RATE_2_CORES
            )
        );
        market.startJob(jobId);
    }

    function test_allowanceIsABudgetOfIncreases() public {
        // Exactly one job's worth: the first start spends it, the second finds none left.
        _authorize(requester, FlowPermissions.ALL, int96(int256(RATE_2_CORES)));
        _running(2, 600);
        uint256 second = _accepted(2, 600);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(
                OrangeStreamingMarket.PaymentNotAuthorized.selector,
                second,
                requester,
                FlowPermissions.ALL,
                int96(0),
                RATE_2_CORES
            )
        );
        market.startJob(second);
    }

    function test_startFailsWhenTheRequesterCannotAffordTheWholeWindow() public {
        address poor = address(0xF00D);
        uint256 rate = RATE_2_CORES;
        uint256 buffer = forwarder.getBufferAmountByFlowrate(address(token), int96(int256(rate)));
        uint256 needed = rate * (600 + GRACE) + buffer;
        _fund(poor, needed - 1);
        _authorize(poor, FlowPermissions.ALL, ALLOWANCE);
        vm.prank(poor);
        uint256 jobId = market.postJob(_request(2, 600));
        vm.prank(provider);
        market.acceptJob(jobId);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(
                OrangeStreamingMarket.RequesterCannotAfford.selector, jobId, poor, int256(needed - 1), needed
            )
        );
        market.startJob(jobId);
    }

    function test_startSucceedsWithExactlyTheNeededBalance() public {
        address exact = address(0xF00D);
        uint256 buffer = forwarder.getBufferAmountByFlowrate(address(token), int96(int256(RATE_2_CORES)));
        _fund(exact, RATE_2_CORES * (600 + GRACE) + buffer);
        _authorize(exact, FlowPermissions.ALL, ALLOWANCE);
        vm.prank(exact);
        uint256 jobId = market.postJob(_request(2, 600));
        vm.prank(provider);
        market.acceptJob(jobId);
        vm.prank(provider);
        market.startJob(jobId);
        vm.assertEq(uint256(uint96(forwarder.getFlowrate(address(token), exact, provider))), RATE_2_CORES, "flow");
    }

    function test_otherOutgoingFlowsCountAgainstAffordability() public {
        // The requester already streams to someone else; the new job must fit on top of it.
        address poor = address(0xF00D);
        uint256 buffer = forwarder.getBufferAmountByFlowrate(address(token), int96(int256(RATE_2_CORES)));
        _fund(poor, RATE_2_CORES * (600 + GRACE) + buffer + buffer);
        vm.prank(poor);
        forwarder.setFlowrateFrom(address(token), poor, stranger, int96(int256(RATE_2_CORES)));
        _authorize(poor, FlowPermissions.ALL, ALLOWANCE);
        vm.prank(poor);
        uint256 jobId = market.postJob(_request(2, 600));
        vm.prank(provider);
        market.acceptJob(jobId);
        vm.prank(provider);
        vm.expectPartialRevert(OrangeStreamingMarket.RequesterCannotAfford.selector);
        market.startJob(jobId);
    }

    function test_freeJobStreamsNothing() public {
        vm.prank(provider);
        market.registerProvider(_offer(8, 8192, 0));
        uint256 jobId = _running(2, 600);
        vm.assertEq(_flow(), 0, "no flow");
        vm.warp(block.timestamp + 100);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.assertEq(_flow(), 0, "still no flow");
    }

    // ------------------------------------------------------------ stop

    function test_completeStopsTheFlowAndBillsTheSecondsRun() public {
        uint256 jobId = _running(2, 600);
        int256 before = _balance(provider);
        vm.warp(block.timestamp + 37);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.assertEq(_flow(), 0, "flow deleted");
        vm.assertEq(market.pairRate(requester, provider), 0, "pairRate");
        vm.assertEq(uint256(_balance(provider) - before), 37 * RATE_2_CORES, "paid 37 s");
        vm.warp(block.timestamp + 1000);
        vm.assertEq(uint256(_balance(provider) - before), 37 * RATE_2_CORES, "nothing after the end");
    }

    function test_failStopsTheFlow() public {
        uint256 jobId = _running(2, 600);
        vm.warp(block.timestamp + 5);
        vm.prank(provider);
        market.failJob(jobId, "kfrag invalid", "");
        vm.assertEq(_flow(), 0, "flow deleted");
    }

    function test_cancelMidRunStopsTheFlow() public {
        uint256 jobId = _running(2, 600);
        vm.warp(block.timestamp + 5);
        vm.prank(requester);
        market.cancelJob(jobId);
        vm.assertEq(_flow(), 0, "flow deleted");
    }

    function test_cancelBeforeTheRunNeverStreams() public {
        uint256 jobId = _accepted(2, 600);
        vm.prank(requester);
        market.cancelJob(jobId);
        vm.assertEq(_flow(), 0, "no flow");
        vm.assertEq(market.pairRate(requester, provider), 0, "pairRate");
    }

    function test_concurrentJobsShareOneFlow() public {
        uint256 a = _running(2, 600);
        uint256 b = _running(3, 600);
        vm.assertEq(_flow(), 5 * uint256(PRICE), "sum of both");
        vm.warp(block.timestamp + 10);
        vm.prank(provider);
        market.completeJob(a, "bafyresult", 0, 0);
        vm.assertEq(_flow(), 3 * uint256(PRICE), "b's share left");
        vm.warp(block.timestamp + 10);
        vm.prank(provider);
        market.completeJob(b, "bafyresult", 0, 0);
        vm.assertEq(_flow(), 0, "closed");
    }

    // ------------------------------------------------------------ expiry and overrun

    function test_expiryStopsTheFlowAndTheProviderReturnsTheOverrun() public {
        uint256 jobId = _running(2, 600);
        int256 requesterBefore = _balance(requester);
        int256 providerBefore = _balance(provider);
        uint40 runBy = market.getJob(jobId).deadline;
        vm.warp(uint256(runBy) + 120); // nobody called expire for two minutes
        vm.prank(stranger);
        market.expireJob(jobId);
        vm.assertEq(_flow(), 0, "flow deleted");
        vm.assertEq(uint256(_balance(provider) - providerBefore), RATE_2_CORES * (600 + GRACE), "paid the cap");
        vm.assertEq(uint256(requesterBefore - _balance(requester)), RATE_2_CORES * (600 + GRACE), "charged the cap");
    }

    function test_overrunRefundIsLimitedByTheProvidersApproval() public {
        vm.prank(provider);
        token.approve(address(market), 0);
        uint256 jobId = _running(2, 600);
        int256 providerBefore = _balance(provider);
        vm.warp(uint256(market.getJob(jobId).deadline) + 120);
        market.expireJob(jobId);
        vm.assertEq(_flow(), 0, "flow deleted all the same");
        vm.assertEq(uint256(_balance(provider) - providerBefore), RATE_2_CORES * (600 + GRACE + 120), "kept it");
    }

    // ------------------------------------------------------------ the reported cost

    function test_paymentStoppedReportsWhatTheRequesterPaid() public {
        uint256 jobId = _running(2, 600);
        int256 before = _balance(requester);
        vm.warp(block.timestamp + 37);
        vm.recordLogs();
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        (uint256 rate, uint256 secs, uint256 refunded, bool live) = _paymentStopped();
        vm.assertEq(rate, RATE_2_CORES, "rate");
        vm.assertEq(secs, 37, "seconds");
        vm.assertEq(refunded, 0, "refunded");
        vm.assertTrue(live, "flow was live");
        vm.assertEq(uint256(before - _balance(requester)), rate * secs - refunded, "cost as reported");
    }

    function test_paymentStoppedReportsTheCostOfAPartlyRefundedOverrun() public {
        uint256 jobId = _running(2, 600);
        vm.prank(provider);
        token.approve(address(market), 50 * RATE_2_CORES); // refunds only 50 of the 120 s overrun
        int256 before = _balance(requester);
        vm.warp(uint256(market.getJob(jobId).deadline) + 120);
        vm.recordLogs();
        market.expireJob(jobId);
        (uint256 rate, uint256 secs, uint256 refunded, bool live) = _paymentStopped();
        vm.assertEq(secs, 600 + GRACE + 120, "seconds streamed");
        vm.assertEq(refunded, 50 * RATE_2_CORES, "refunded");
        vm.assertTrue(live, "flow was live");
        vm.assertEq(uint256(before - _balance(requester)), rate * secs - refunded, "cost as reported");
    }

    function test_paymentStoppedSaysWhenTheFlowWasAlreadyGone() public {
        uint256 jobId = _running(2, 600);
        vm.warp(block.timestamp + 10);
        vm.prank(requester);
        forwarder.setFlowrateFrom(address(token), requester, provider, 0);
        vm.warp(block.timestamp + 10);
        vm.recordLogs();
        vm.prank(provider);
        market.failJob(jobId, "payment flow stopped", "");
        (,, uint256 refunded, bool live) = _paymentStopped();
        vm.assertFalse(live, "flow was gone");
        vm.assertEq(refunded, 0, "nothing refunded");
    }

    function _paymentStopped() private returns (uint256 rate, uint256 secs, uint256 refunded, bool live) {
        Cheats.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; i++) {
            if (
                logs[i].emitter == address(market) && logs[i].topics[0] == OrangeStreamingMarket.PaymentStopped.selector
            ) {
                return abi.decode(logs[i].data, (uint256, uint256, uint256, bool));
            }
        }
        revert("no PaymentStopped");
    }

    // ------------------------------------------------------------ the requester interferes

    function test_endingAfterTheRequesterDeletedTheFlowStillWorks() public {
        uint256 jobId = _running(2, 600);
        vm.warp(block.timestamp + 10);
        vm.prank(requester);
        forwarder.setFlowrateFrom(address(token), requester, provider, 0);
        vm.warp(block.timestamp + 10);
        vm.prank(provider);
        market.failJob(jobId, "flow stopped", "");
        vm.assertEq(market.pairRate(requester, provider), 0, "pairRate");
        vm.assertEq(_flow(), 0, "no flow");
    }

    function test_endingAfterTheRequesterRevokedTheOperatorLeavesTheFlowToIt() public {
        uint256 jobId = _running(2, 600);
        _authorize(requester, 0, 0);
        vm.warp(block.timestamp + 10);
        vm.expectEmit(address(market));
        emit OrangeStreamingMarket.FlowLeftToRequester(jobId, requester, provider);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.assertEq(uint256(market.getJob(jobId).state), uint256(OrangeMarket.JobState.Completed), "completed");
        vm.assertEq(market.pairRate(requester, provider), 0, "pairRate");
    }

    function test_aNewStartRecreatesADeletedPairFlow() public {
        _running(2, 600);
        vm.prank(requester);
        forwarder.setFlowrateFrom(address(token), requester, provider, 0);
        _running(1, 600);
        vm.assertEq(_flow(), 3 * uint256(PRICE), "the pair's booked total");
    }

    // ------------------------------------------------------------ deployment

    function test_constructorRejectsAForwarderWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.InvalidRequest.selector, "forwarder"));
        new OrangeStreamingMarket(START_WINDOW, GRACE, ICFAv1Forwarder(address(0xdead)), token);
    }

    function test_constructorRejectsATokenWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.InvalidRequest.selector, "token"));
        new OrangeStreamingMarket(START_WINDOW, GRACE, forwarder, ISuperTokenLike(address(0xdead)));
    }

    // ------------------------------------------------------------ fuzz

    /// Two concurrent jobs on one pair, ended in either order at random times: the provider gets
    /// exactly each job's rate for each job's billable seconds, and the flow ends at 0.
    function testFuzz_concurrentJobsAreBilledExactly(uint32 coresA, uint32 coresB, uint256 endA, uint256 endB) public {
        uint256 ca = bound(coresA, 1, 8);
        uint256 cb = bound(coresB, 1, 8);
        int256 before = _balance(provider);
        uint256 a = _running(uint32(ca), 600);
        vm.warp(block.timestamp + 7);
        uint256 b = _running(uint32(cb), 300);
        uint256 startA = T0;
        uint256 startB = T0 + 7;
        endA = bound(endA, startB, startA + 600 + GRACE);
        endB = bound(endB, startB, startB + 300 + GRACE);
        if (endA <= endB) {
            vm.warp(endA);
            _end(a);
            vm.warp(endB);
            _end(b);
        } else {
            vm.warp(endB);
            _end(b);
            vm.warp(endA);
            _end(a);
        }
        uint256 expected = (endA - startA) * ca * uint256(PRICE) + (endB - startB) * cb * uint256(PRICE);
        vm.assertEq(uint256(_balance(provider) - before), expected, "billed");
        vm.assertEq(_flow(), 0, "flow closed");
        vm.assertEq(market.pairRate(requester, provider), 0, "pairRate");
    }

    /// completeJob up to the deadline, expireJob after it (with the overrun refunded).
    function _end(uint256 jobId) private {
        if (block.timestamp <= market.getJob(jobId).deadline) {
            vm.prank(provider);
            market.completeJob(jobId, "bafyresult", 0, 0);
        } else {
            market.expireJob(jobId);
        }
    }
}
