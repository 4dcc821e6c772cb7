// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../src/OrangeMarket.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";

/// @dev Property tests over post parameters, timing around each deadline and random callers.
contract OrangeMarketFuzzTest is MarketFixture {
    // ------------------------------------------------------------ postJob parameters

    function testFuzz_postJob_storesValidRequests(
        uint32 cores,
        uint32 memoryMb,
        uint32 timeoutSec,
        uint96 ceiling,
        uint32 window,
        address offered
    ) public {
        OrangeMarket.JobRequest memory req = _request();
        req.cores = uint32(bound(cores, 1, type(uint32).max));
        req.memoryMb = uint32(bound(memoryMb, 1, type(uint32).max));
        req.timeoutSec = uint32(bound(timeoutSec, 1, market.MAX_TIMEOUT_SEC()));
        req.maxPricePerCoreSecond = ceiling;
        req.acceptWindowSec = window % 5 == 0 ? 0 : uint32(bound(window, 30, 1 days));
        req.provider = offered;
        uint256 jobId = _post(req);

        OrangeMarket.Job memory job = market.getJob(jobId);
        uint256 expectedWindow = req.acceptWindowSec == 0 ? market.DEFAULT_ACCEPT_WINDOW_SEC() : req.acceptWindowSec;
        vm.assertEq(job.cores, req.cores, "cores");
        vm.assertEq(job.memoryMb, req.memoryMb, "memory");
        vm.assertEq(job.timeoutSec, req.timeoutSec, "timeout");
        vm.assertEq(job.pricePerCoreSecond, ceiling, "ceiling");
        vm.assertEq(job.provider, offered, "offered provider");
        vm.assertEq(job.deadline, T0 + expectedWindow, "acceptBy");
        vm.assertEq(job.requester, requester, "requester");
    }

    function testFuzz_postJob_rejectsTimeoutAboveMax(uint32 timeoutSec) public {
        OrangeMarket.JobRequest memory req = _request();
        req.timeoutSec = uint32(bound(timeoutSec, uint256(market.MAX_TIMEOUT_SEC()) + 1, type(uint32).max));
        vm.expectRevert(_invalid("timeoutSec"));
        _post(req);
    }

    function testFuzz_postJob_rejectsWindowOutOfBounds(uint32 window) public {
        OrangeMarket.JobRequest memory req = _request();
        req.acceptWindowSec = window % 2 == 0
            ? uint32(bound(window, 1, market.MIN_ACCEPT_WINDOW_SEC() - 1))
            : uint32(bound(window, uint256(market.MAX_ACCEPT_WINDOW_SEC()) + 1, type(uint32).max));
        vm.expectRevert(_invalid("acceptWindowSec"));
        _post(req);
    }

    // ------------------------------------------------------------ matching

    /// acceptJob succeeds exactly when the provider's offer covers the job and fits the ceiling.
    function testFuzz_acceptJob_matchesOfferAgainstJob(
        uint32 offerCores,
        uint32 offerMemory,
        uint96 offerPrice,
        uint32 jobCores,
        uint32 jobMemory,
        uint96 ceiling
    ) public {
        offerCores = uint32(bound(offerCores, 1, 128));
        offerMemory = uint32(bound(offerMemory, 1, 1 << 20));
        jobCores = uint32(bound(jobCores, 1, 128));
        jobMemory = uint32(bound(jobMemory, 1, 1 << 20));
        _register(stranger, offerCores, offerMemory, offerPrice);
        OrangeMarket.JobRequest memory req = _request();
        (req.cores, req.memoryMb, req.maxPricePerCoreSecond) = (jobCores, jobMemory, ceiling);
        uint256 jobId = _post(req);

        if (offerCores < jobCores) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderCannotTake.selector, jobId, stranger, "cores"));
        } else if (offerMemory < jobMemory) {
            vm.expectRevert(
                abi.encodeWithSelector(OrangeMarket.ProviderCannotTake.selector, jobId, stranger, "memoryMb")
            );
        } else if (offerPrice > ceiling) {
            vm.expectRevert(
                abi.encodeWithSelector(OrangeMarket.ProviderCannotTake.selector, jobId, stranger, "pricePerCoreSecond")
            );
        }
        vm.prank(stranger);
        market.acceptJob(jobId);
        bool fits = offerCores >= jobCores && offerMemory >= jobMemory && offerPrice <= ceiling;
        vm.assertEq(
            uint256(_state(jobId)),
            uint256(fits ? OrangeMarket.JobState.Accepted : OrangeMarket.JobState.Posted),
            "state"
        );
        if (fits) vm.assertEq(market.getJob(jobId).pricePerCoreSecond, offerPrice, "provider's price");
    }

    // ------------------------------------------------------------ timing around each deadline

    /// Around acceptBy exactly one of acceptJob (until acceptBy) and expireJob (after it) works.
    function testFuzz_acceptBy_separatesAcceptFromExpire(uint256 offset) public {
        uint256 jobId = _posted();
        uint256 acceptBy = market.getJob(jobId).deadline;
        uint256 at = bound(offset, T0, acceptBy + 2 days);
        vm.warp(at);
        _assertExactlyOneWins(jobId, at <= acceptBy, abi.encodeCall(market.acceptJob, (jobId)), provider);
    }

    /// Around startBy exactly one of startJob and expireJob works.
    function testFuzz_startBy_separatesStartFromExpire(uint256 offset) public {
        uint256 jobId = _accepted();
        uint256 startBy = market.getJob(jobId).deadline;
        uint256 at = bound(offset, T0, startBy + 2 days);
        vm.warp(at);
        _assertExactlyOneWins(jobId, at <= startBy, abi.encodeCall(market.startJob, (jobId)), provider);
    }

    /// Around runBy exactly one of completeJob and expireJob works, for any timeout.
    function testFuzz_runBy_separatesCompleteFromExpire(uint32 timeoutSec, uint256 startDelay, uint256 offset) public {
        OrangeMarket.JobRequest memory req = _request();
        req.timeoutSec = uint32(bound(timeoutSec, 1, market.MAX_TIMEOUT_SEC()));
        uint256 jobId = _post(req);
        vm.prank(provider);
        market.acceptJob(jobId);
        uint256 startedAt = T0 + bound(startDelay, 0, START_WINDOW);
        vm.warp(startedAt);
        vm.prank(provider);
        market.startJob(jobId);

        uint256 runBy = market.getJob(jobId).deadline;
        vm.assertEq(runBy, startedAt + req.timeoutSec + GRACE, "runBy = startedAt + timeout + grace");
        uint256 at = bound(offset, startedAt, runBy + 2 days);
        vm.warp(at);
        if (at <= runBy) {
            vm.expectEmit(true, true, true, true, address(market));
            emit OrangeMarket.JobCompleted(jobId, provider, "bafyresult", 0, 0, uint40(at - startedAt));
        }
        _assertExactlyOneWins(
            jobId, at <= runBy, abi.encodeCall(market.completeJob, (jobId, "bafyresult", int32(0), uint8(0))), provider
        );
    }

    /// The provider may fail an accepted job until startBy, never after.
    function testFuzz_failJob_untilStartBy(uint256 offset) public {
        uint256 jobId = _accepted();
        uint256 startBy = market.getJob(jobId).deadline;
        uint256 at = bound(offset, T0, startBy + 1 days);
        vm.warp(at);
        _assertExactlyOneWins(jobId, at <= startBy, abi.encodeCall(market.failJob, (jobId, "no image", "")), provider);
    }

    // ------------------------------------------------------------ random callers

    function testFuzz_requesterOnly_rejectsOthers(address caller) public {
        vm.assume(caller != requester);
        uint256 posted = _posted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotRequester.selector, posted));
        vm.prank(caller);
        market.cancelJob(posted);

        uint256 accepted = _accepted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotRequester.selector, accepted));
        vm.prank(caller);
        market.grantAccess(accepted, KFRAG);
    }

    function testFuzz_providerOnly_rejectsOthers(address caller) public {
        vm.assume(caller != provider);
        uint256 accepted = _accepted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, accepted));
        vm.prank(caller);
        market.startJob(accepted);

        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, accepted));
        vm.prank(caller);
        market.failJob(accepted, "no", "");

        uint256 running = _running();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, running));
        vm.prank(caller);
        market.completeJob(running, "bafyresult", 0, 0);
    }

    function testFuzz_offeredJob_rejectsOtherProviders(address caller) public {
        vm.assume(caller != provider);
        _register(caller, 64, 1 << 20, 0);
        OrangeMarket.JobRequest memory req = _request();
        req.provider = provider;
        uint256 jobId = _post(req);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotOfferedProvider.selector, jobId, provider));
        vm.prank(caller);
        market.acceptJob(jobId);
    }

    /// Anyone can expire an open job after its deadline, whatever state it waits in.
    function testFuzz_expireJob_byAnyoneAfterDeadline(address caller, uint8 stage, uint256 lateBy) public {
        uint256 jobId = stage % 3 == 0 ? _posted() : stage % 3 == 1 ? _accepted() : _running();
        OrangeMarket.JobState from = _state(jobId);
        vm.warp(uint256(market.getJob(jobId).deadline) + bound(lateBy, 1, 365 days));
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobExpired(jobId, from);
        vm.prank(caller);
        market.expireJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Expired);
    }

    function testFuzz_completeJob_rejectsUnknownFlagBits(uint8 flags) public {
        vm.assume(flags > 7);
        uint256 jobId = _running();
        vm.expectRevert(_invalid("flags"));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, flags);
    }

    // ------------------------------------------------------------ helpers

    /// @dev Calls `action` as `actor`: it must succeed iff `actionAllowed`; otherwise it reverts
    /// with DeadlinePassed and expireJob must succeed instead (and vice versa).
    function _assertExactlyOneWins(uint256 jobId, bool actionAllowed, bytes memory action, address actor) private {
        uint40 deadline = market.getJob(jobId).deadline;
        if (actionAllowed) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, deadline));
            vm.prank(stranger);
            market.expireJob(jobId);
            vm.prank(actor);
            (bool ok,) = address(market).call(action);
            vm.assertTrue(ok, "action before the deadline");
        } else {
            vm.prank(actor);
            (bool ok, bytes memory reason) = address(market).call(action);
            vm.assertFalse(ok, "action after the deadline");
            vm.assertEq(
                reason, abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, deadline), "revert reason"
            );
            vm.prank(stranger);
            market.expireJob(jobId);
            _assertState(jobId, OrangeMarket.JobState.Expired);
        }
    }
}
