// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../src/OrangeMarket.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {HookRecordingMarket} from "./utils/HookRecordingMarket.sol";

/// @dev One test per behaviour of every function and one per revert path.
contract OrangeMarketTest is MarketFixture {
    // ------------------------------------------------------------ constructor

    function test_constructor_setsWindows() public view {
        vm.assertEq(market.START_WINDOW_SEC(), START_WINDOW, "start window");
        vm.assertEq(market.GRACE_SEC(), GRACE, "grace");
        vm.assertEq(market.jobCount(), 0, "no jobs yet");
    }

    function test_constructor_rejectsZeroStartWindow() public {
        vm.expectRevert(_invalid("startWindowSec"));
        new OrangeMarket(0, GRACE);
    }

    function test_constructor_rejectsStartWindowAboveMax() public {
        uint32 max = market.MAX_START_WINDOW_SEC();
        vm.expectRevert(_invalid("startWindowSec"));
        new OrangeMarket(max + 1, GRACE);
    }

    function test_constructor_rejectsGraceAboveMax() public {
        uint32 max = market.MAX_GRACE_SEC();
        vm.expectRevert(_invalid("graceSec"));
        new OrangeMarket(START_WINDOW, max + 1);
    }

    function test_constructor_acceptsZeroGrace() public {
        OrangeMarket noGrace = new OrangeMarket(START_WINDOW, 0);
        vm.assertEq(noGrace.GRACE_SEC(), 0, "grace");
    }

    // ------------------------------------------------------------ registerProvider

    function test_registerProvider_storesOfferAndEmits() public {
        OrangeMarket.ProviderOffer memory offer = _offer(8, 16384, 7);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.ProviderRegistered(
            stranger, 8, 16384, 7, UMBRAL_KEY, offer.runtimes, offer.endpoint, offer.ipfsPeers
        );
        vm.prank(stranger);
        market.registerProvider(offer);

        (uint32 cores, uint32 memoryMb, uint96 price, bool active) = market.providers(stranger);
        vm.assertEq(cores, 8, "cores");
        vm.assertEq(memoryMb, 16384, "memory");
        vm.assertEq(price, 7, "price");
        vm.assertTrue(active, "active");
    }

    function test_registerProvider_updatesAndReactivates() public {
        vm.prank(provider);
        market.deactivateProvider();
        _register(provider, 2, 2048, 3);
        (uint32 cores, uint32 memoryMb, uint96 price, bool active) = market.providers(provider);
        vm.assertEq(cores, 2, "cores");
        vm.assertEq(memoryMb, 2048, "memory");
        vm.assertEq(price, 3, "price");
        vm.assertTrue(active, "reactivated");
    }

    function test_registerProvider_rejectsZeroCores() public {
        vm.expectRevert(_invalid("cores"));
        vm.prank(stranger);
        market.registerProvider(_offer(0, 1024, 1));
    }

    function test_registerProvider_rejectsZeroMemory() public {
        vm.expectRevert(_invalid("memoryMb"));
        vm.prank(stranger);
        market.registerProvider(_offer(1, 0, 1));
    }

    function test_registerProvider_rejectsEmptyUmbralKey() public {
        OrangeMarket.ProviderOffer memory offer = _offer(1, 1024, 1);
        offer.umbralPublicKey = "";
        vm.expectRevert(_invalid("umbralPublicKey"));
        vm.prank(stranger);
        market.registerProvider(offer);
    }

    function test_providers_unknownIsInactiveZero() public view {
        (uint32 cores, uint32 memoryMb, uint96 price, bool active) = market.providers(stranger);
        vm.assertEq(uint256(cores) + memoryMb + price, 0, "empty offer");
        vm.assertFalse(active, "inactive");
    }

    // ------------------------------------------------------------ deactivateProvider

    function test_deactivateProvider_clearsActiveAndEmits() public {
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.ProviderDeactivated(provider);
        vm.prank(provider);
        market.deactivateProvider();
        (uint32 cores,,, bool active) = market.providers(provider);
        vm.assertFalse(active, "inactive");
        vm.assertEq(cores, 4, "offer kept for a later update");
    }

    function test_deactivateProvider_rejectsUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, stranger));
        vm.prank(stranger);
        market.deactivateProvider();
    }

    function test_deactivateProvider_rejectsTwice() public {
        vm.prank(provider);
        market.deactivateProvider();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, provider));
        vm.prank(provider);
        market.deactivateProvider();
    }

    function test_deactivateProvider_keepsAcceptedJobsGoing() public {
        uint256 jobId = _accepted();
        vm.prank(provider);
        market.deactivateProvider();
        vm.prank(provider);
        market.startJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Running);
    }

    // ------------------------------------------------------------ postJob

    function test_postJob_storesJobAndEmits() public {
        OrangeMarket.JobRequest memory req = _request();
        uint40 acceptBy = uint40(T0) + market.DEFAULT_ACCEPT_WINDOW_SEC();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobPosted(
            1, requester, address(0), "hello.py", "python3", 2, 1024, 600, 100, "bafkreiexamplemanifest", acceptBy
        );
        uint256 jobId = _post(req);

        vm.assertEq(jobId, 1, "ids start at 1");
        vm.assertEq(market.jobCount(), 1, "count");
        OrangeMarket.Job memory job = market.getJob(jobId);
        vm.assertEq(job.requester, requester, "requester");
        vm.assertEq(job.provider, address(0), "open job");
        vm.assertEq(job.pricePerCoreSecond, 100, "ceiling");
        vm.assertEq(job.cores, 2, "cores");
        vm.assertEq(job.memoryMb, 1024, "memory");
        vm.assertEq(job.timeoutSec, 600, "timeout");
        vm.assertEq(uint256(job.state), uint256(OrangeMarket.JobState.Posted), "state");
        vm.assertEq(job.deadline, acceptBy, "acceptBy");
        vm.assertEq(job.startedAt, 0, "not started");
    }

    function test_postJob_idsIncrease() public {
        vm.assertEq(_posted(), 1, "first");
        vm.assertEq(_posted(), 2, "second");
        vm.assertEq(market.jobCount(), 2, "count");
    }

    function test_postJob_explicitWindowAndOfferedProvider() public {
        OrangeMarket.JobRequest memory req = _request();
        req.acceptWindowSec = 45;
        req.provider = provider;
        uint256 jobId = _post(req);
        OrangeMarket.Job memory job = market.getJob(jobId);
        vm.assertEq(job.deadline, T0 + 45, "acceptBy");
        vm.assertEq(job.provider, provider, "offered provider");
    }

    function test_postJob_windowBoundsInclusive() public {
        OrangeMarket.JobRequest memory req = _request();
        req.acceptWindowSec = market.MIN_ACCEPT_WINDOW_SEC();
        _post(req);
        req.acceptWindowSec = market.MAX_ACCEPT_WINDOW_SEC();
        req.timeoutSec = market.MAX_TIMEOUT_SEC();
        uint256 jobId = _post(req);
        vm.assertEq(market.getJob(jobId).deadline, T0 + 1 days, "max window");
    }

    function test_postJob_rejectsZeroCores() public {
        OrangeMarket.JobRequest memory req = _request();
        req.cores = 0;
        vm.expectRevert(_invalid("cores"));
        _post(req);
    }

    function test_postJob_rejectsZeroMemory() public {
        OrangeMarket.JobRequest memory req = _request();
        req.memoryMb = 0;
        vm.expectRevert(_invalid("memoryMb"));
        _post(req);
    }

    function test_postJob_rejectsZeroTimeout() public {
        OrangeMarket.JobRequest memory req = _request();
        req.timeoutSec = 0;
        vm.expectRevert(_invalid("timeoutSec"));
        _post(req);
    }

    function test_postJob_rejectsTimeoutAboveMax() public {
        OrangeMarket.JobRequest memory req = _request();
        req.timeoutSec = market.MAX_TIMEOUT_SEC() + 1;
        vm.expectRevert(_invalid("timeoutSec"));
        _post(req);
    }

    function test_postJob_rejectsEmptyRuntime() public {
        OrangeMarket.JobRequest memory req = _request();
        req.runtime = "";
        vm.expectRevert(_invalid("runtime"));
        _post(req);
    }

    function test_postJob_rejectsEmptyManifestCid() public {
        OrangeMarket.JobRequest memory req = _request();
        req.manifestCid = "";
        vm.expectRevert(_invalid("manifestCid"));
        _post(req);
    }

    function test_postJob_rejectsWindowBelowMin() public {
        OrangeMarket.JobRequest memory req = _request();
        req.acceptWindowSec = market.MIN_ACCEPT_WINDOW_SEC() - 1;
        vm.expectRevert(_invalid("acceptWindowSec"));
        _post(req);
    }

    function test_postJob_rejectsWindowAboveMax() public {
        OrangeMarket.JobRequest memory req = _request();
        req.acceptWindowSec = market.MAX_ACCEPT_WINDOW_SEC() + 1;
        vm.expectRevert(_invalid("acceptWindowSec"));
        _post(req);
    }

    // ------------------------------------------------------------ acceptJob

    function test_acceptJob_assignsProviderAtItsPrice() public {
        uint256 jobId = _posted();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobAccepted(jobId, provider, 10, uint40(T0) + START_WINDOW);
        vm.prank(provider);
        market.acceptJob(jobId);

        OrangeMarket.Job memory job = market.getJob(jobId);
        vm.assertEq(job.provider, provider, "provider");
        vm.assertEq(job.pricePerCoreSecond, 10, "provider's price, not the ceiling");
        vm.assertEq(uint256(job.state), uint256(OrangeMarket.JobState.Accepted), "state");
        vm.assertEq(job.deadline, T0 + START_WINDOW, "startBy");
    }

    function test_acceptJob_onlyOneProviderWins() public {
        _register(stranger, 4, 8192, 1);
        uint256 jobId = _accepted();
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Accepted));
        vm.prank(stranger);
        market.acceptJob(jobId);
        vm.assertEq(market.getJob(jobId).provider, provider, "first provider kept");
    }

    function test_acceptJob_atAcceptByStillWorks() public {
        uint256 jobId = _posted();
        vm.warp(market.getJob(jobId).deadline);
        vm.prank(provider);
        market.acceptJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Accepted);
    }

    function test_acceptJob_rejectsAfterAcceptBy() public {
        uint256 jobId = _posted();
        uint40 acceptBy = market.getJob(jobId).deadline;
        vm.warp(uint256(acceptBy) + 1);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, acceptBy));
        vm.prank(provider);
        market.acceptJob(jobId);
    }

    function test_acceptJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 42));
        vm.prank(provider);
        market.acceptJob(42);
    }

    function test_acceptJob_rejectsUnregistered() public {
        uint256 jobId = _posted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, stranger));
        vm.prank(stranger);
        market.acceptJob(jobId);
    }

    function test_acceptJob_rejectsDeactivated() public {
        uint256 jobId = _posted();
        vm.prank(provider);
        market.deactivateProvider();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, provider));
        vm.prank(provider);
        market.acceptJob(jobId);
    }

    function test_acceptJob_rejectsTooFewCores() public {
        OrangeMarket.JobRequest memory req = _request();
        req.cores = 5;
        uint256 jobId = _post(req);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderCannotTake.selector, jobId, provider, "cores"));
        vm.prank(provider);
        market.acceptJob(jobId);
    }

    function test_acceptJob_rejectsTooLittleMemory() public {
        OrangeMarket.JobRequest memory req = _request();
        req.memoryMb = 8193;
        uint256 jobId = _post(req);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderCannotTake.selector, jobId, provider, "memoryMb"));
        vm.prank(provider);
        market.acceptJob(jobId);
    }

    function test_acceptJob_rejectsPriceAboveCeiling() public {
        OrangeMarket.JobRequest memory req = _request();
        req.maxPricePerCoreSecond = 9;
        uint256 jobId = _post(req);
        vm.expectRevert(
            abi.encodeWithSelector(OrangeMarket.ProviderCannotTake.selector, jobId, provider, "pricePerCoreSecond")
        );
        vm.prank(provider);
        market.acceptJob(jobId);
    }

    function test_acceptJob_exactFitWorks() public {
        OrangeMarket.JobRequest memory req = _request();
        (req.cores, req.memoryMb, req.maxPricePerCoreSecond) = (4, 8192, 10);
        uint256 jobId = _post(req);
        vm.prank(provider);
        market.acceptJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Accepted);
    }

    function test_acceptJob_offeredJobRejectsOtherProvider() public {
        _register(stranger, 4, 8192, 1);
        OrangeMarket.JobRequest memory req = _request();
        req.provider = provider;
        uint256 jobId = _post(req);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotOfferedProvider.selector, jobId, provider));
        vm.prank(stranger);
        market.acceptJob(jobId);
    }

    function test_acceptJob_offeredJobTakenByOfferedProvider() public {
        OrangeMarket.JobRequest memory req = _request();
        req.provider = provider;
        uint256 jobId = _post(req);
        vm.prank(provider);
        market.acceptJob(jobId);
        vm.assertEq(market.getJob(jobId).provider, provider, "provider");
    }

    function test_acceptJob_rejectsCancelled() public {
        uint256 jobId = _posted();
        vm.prank(requester);
        market.cancelJob(jobId);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Cancelled));
        vm.prank(provider);
        market.acceptJob(jobId);
    }

    // ------------------------------------------------------------ grantAccess

    function test_grantAccess_emitsForAssignedProvider() public {
        uint256 jobId = _accepted();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.AccessGranted(jobId, provider, KFRAG);
        vm.prank(requester);
        market.grantAccess(jobId, KFRAG);
        _assertState(jobId, OrangeMarket.JobState.Accepted);
    }

    function test_grantAccess_rejectsNonRequester() public {
        uint256 jobId = _accepted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotRequester.selector, jobId));
        vm.prank(provider);
        market.grantAccess(jobId, KFRAG);
    }

    function test_grantAccess_rejectsPosted() public {
        uint256 jobId = _posted();
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Posted));
        vm.prank(requester);
        market.grantAccess(jobId, KFRAG);
    }

    function test_grantAccess_rejectsRunning() public {
        uint256 jobId = _running();
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Running));
        vm.prank(requester);
        market.grantAccess(jobId, KFRAG);
    }

    function test_grantAccess_rejectsEmptyKfrag() public {
        uint256 jobId = _accepted();
        vm.expectRevert(_invalid("kfrag"));
        vm.prank(requester);
        market.grantAccess(jobId, "");
    }

    function test_grantAccess_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 7));
        vm.prank(requester);
        market.grantAccess(7, KFRAG);
    }

    // ------------------------------------------------------------ startJob

    function test_startJob_runsAndSetsRunBy() public {
        uint256 jobId = _accepted();
        vm.warp(T0 + 10);
        uint40 runBy = uint40(T0 + 10 + 600 + GRACE);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobStarted(jobId, provider, uint40(T0 + 10), runBy);
        vm.prank(provider);
        market.startJob(jobId);

        OrangeMarket.Job memory job = market.getJob(jobId);
        vm.assertEq(uint256(job.state), uint256(OrangeMarket.JobState.Running), "state");
        vm.assertEq(job.startedAt, T0 + 10, "startedAt");
        vm.assertEq(job.deadline, runBy, "runBy");
    }

    function test_startJob_atStartByStillWorks() public {
        uint256 jobId = _accepted();
        vm.warp(market.getJob(jobId).deadline);
        vm.prank(provider);
        market.startJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Running);
    }

    function test_startJob_rejectsAfterStartBy() public {
        uint256 jobId = _accepted();
        uint40 startBy = market.getJob(jobId).deadline;
        vm.warp(uint256(startBy) + 1);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, startBy));
        vm.prank(provider);
        market.startJob(jobId);
    }

    function test_startJob_rejectsOtherCaller() public {
        uint256 jobId = _accepted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, jobId));
        vm.prank(requester);
        market.startJob(jobId);
    }

    function test_startJob_offeredProviderCannotStartPosted() public {
        OrangeMarket.JobRequest memory req = _request();
        req.provider = provider;
        uint256 jobId = _post(req);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Posted));
        vm.prank(provider);
        market.startJob(jobId);
    }

    function test_startJob_rejectsTwice() public {
        uint256 jobId = _running();
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Running));
        vm.prank(provider);
        market.startJob(jobId);
    }

    function test_startJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 3));
        vm.prank(provider);
        market.startJob(3);
    }

    // ------------------------------------------------------------ completeJob

    function test_completeJob_recordsResult() public {
        uint256 jobId = _running();
        vm.warp(T0 + 42);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobCompleted(jobId, provider, "bafyresult", -1, 5, 42);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", -1, 5);
        _assertState(jobId, OrangeMarket.JobState.Completed);
    }

    function test_completeJob_atRunByStillWorks() public {
        uint256 jobId = _running();
        vm.warp(market.getJob(jobId).deadline);
        uint8 timedOut = market.FLAG_TIMED_OUT();
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, timedOut);
        _assertState(jobId, OrangeMarket.JobState.Completed);
    }

    function test_completeJob_rejectsAfterRunBy() public {
        uint256 jobId = _running();
        uint40 runBy = market.getJob(jobId).deadline;
        vm.warp(uint256(runBy) + 1);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, runBy));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    function test_completeJob_rejectsOtherCaller() public {
        uint256 jobId = _running();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, jobId));
        vm.prank(requester);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    function test_completeJob_rejectsAccepted() public {
        uint256 jobId = _accepted();
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Accepted));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    function test_completeJob_rejectsEmptyResultCid() public {
        uint256 jobId = _running();
        vm.expectRevert(_invalid("resultCid"));
        vm.prank(provider);
        market.completeJob(jobId, "", 0, 0);
    }

    function test_completeJob_rejectsUnknownFlags() public {
        uint256 jobId = _running();
        vm.expectRevert(_invalid("flags"));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 8);
    }

    function test_completeJob_rejectsTwice() public {
        uint256 jobId = _running();
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Completed));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    // ------------------------------------------------------------ failJob

    function test_failJob_fromAccepted() public {
        uint256 jobId = _accepted();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobFailed(jobId, provider, "kfrag invalid", "");
        vm.prank(provider);
        market.failJob(jobId, "kfrag invalid", "");
        _assertState(jobId, OrangeMarket.JobState.Failed);
    }

    function test_failJob_fromRunningWithPartialResult() public {
        uint256 jobId = _running();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobFailed(jobId, provider, "sandbox crashed", "bafypartial");
        vm.prank(provider);
        market.failJob(jobId, "sandbox crashed", "bafypartial");
        _assertState(jobId, OrangeMarket.JobState.Failed);
    }

    function test_failJob_rejectsPosted() public {
        OrangeMarket.JobRequest memory req = _request();
        req.provider = provider;
        uint256 jobId = _post(req);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Posted));
        vm.prank(provider);
        market.failJob(jobId, "no", "");
    }

    function test_failJob_rejectsCompleted() public {
        uint256 jobId = _running();
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Completed));
        vm.prank(provider);
        market.failJob(jobId, "late", "");
    }

    function test_failJob_rejectsOtherCaller() public {
        uint256 jobId = _accepted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, jobId));
        vm.prank(stranger);
        market.failJob(jobId, "no", "");
    }

    function test_failJob_rejectsEmptyReason() public {
        uint256 jobId = _accepted();
        vm.expectRevert(_invalid("reason"));
        vm.prank(provider);
        market.failJob(jobId, "", "");
    }

    function test_failJob_rejectsAfterDeadline() public {
        uint256 jobId = _accepted();
        uint40 startBy = market.getJob(jobId).deadline;
        vm.warp(uint256(startBy) + 1);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, startBy));
        vm.prank(provider);
        market.failJob(jobId, "late", "");
    }

    // ------------------------------------------------------------ cancelJob

    function test_cancelJob_cancelsPosted() public {
        uint256 jobId = _posted();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobCancelled(jobId, requester);
        vm.prank(requester);
        market.cancelJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Cancelled);
    }

    function test_cancelJob_worksAfterAcceptBy() public {
        uint256 jobId = _posted();
        vm.warp(uint256(market.getJob(jobId).deadline) + 1);
        vm.prank(requester);
        market.cancelJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Cancelled);
    }

    function test_cancelJob_rejectsNonRequester() public {
        uint256 jobId = _posted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotRequester.selector, jobId));
        vm.prank(provider);
        market.cancelJob(jobId);
    }

    function test_cancelJob_cancelsAccepted() public {
        uint256 jobId = _accepted();
        vm.prank(requester);
        market.cancelJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Cancelled);
    }

    function test_cancelJob_cancelsRunning() public {
        uint256 jobId = _running();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobCancelled(jobId, requester);
        vm.prank(requester);
        market.cancelJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Cancelled);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Cancelled));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    function test_cancelJob_rejectsCompleted() public {
        uint256 jobId = _running();
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Completed));
        vm.prank(requester);
        market.cancelJob(jobId);
    }

    function test_cancelJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 0));
        vm.prank(requester);
        market.cancelJob(0);
    }

    // ------------------------------------------------------------ expireJob

    function test_expireJob_postedAfterAcceptBy() public {
        uint256 jobId = _posted();
        vm.warp(uint256(market.getJob(jobId).deadline) + 1);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobExpired(jobId, OrangeMarket.JobState.Posted);
        vm.prank(stranger);
        market.expireJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Expired);
    }

    function test_expireJob_acceptedAfterStartBy() public {
        uint256 jobId = _accepted();
        vm.warp(uint256(market.getJob(jobId).deadline) + 1);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobExpired(jobId, OrangeMarket.JobState.Accepted);
        vm.prank(stranger);
        market.expireJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Expired);
    }

    function test_expireJob_runningAfterRunBy() public {
        uint256 jobId = _running();
        vm.warp(uint256(market.getJob(jobId).deadline) + 1);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobExpired(jobId, OrangeMarket.JobState.Running);
        vm.prank(requester);
        market.expireJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Expired);
    }

    function test_expireJob_rejectsPostedAtAcceptBy() public {
        uint256 jobId = _posted();
        uint40 acceptBy = market.getJob(jobId).deadline;
        vm.warp(acceptBy);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, acceptBy));
        market.expireJob(jobId);
    }

    function test_expireJob_rejectsAcceptedBeforeStartBy() public {
        uint256 jobId = _accepted();
        uint40 startBy = market.getJob(jobId).deadline;
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, startBy));
        market.expireJob(jobId);
    }

    function test_expireJob_rejectsRunningBeforeRunBy() public {
        uint256 jobId = _running();
        uint40 runBy = market.getJob(jobId).deadline;
        vm.warp(runBy);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, runBy));
        market.expireJob(jobId);
    }

    function test_expireJob_rejectsTerminal() public {
        uint256 jobId = _posted();
        vm.prank(requester);
        market.cancelJob(jobId);
        vm.warp(T0 + 10 days);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Cancelled));
        market.expireJob(jobId);
    }

    function test_expireJob_rejectsTwice() public {
        uint256 jobId = _posted();
        vm.warp(T0 + 10 days);
        market.expireJob(jobId);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Expired));
        market.expireJob(jobId);
    }

    function test_expireJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 99));
        market.expireJob(99);
    }

    // ------------------------------------------------------------ getJob

    function test_getJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 1));
        market.getJob(1);
    }

    function test_getJob_usesThreeStorageSlots() public {
        vm.record();
        uint256 jobId = _posted();
        (, bytes32[] memory writes) = vm.accesses(address(market));
        // jobCount, then the job's three slots (the struct is packed; strings live in the event).
        vm.assertEq(_distinct(writes), 4, "storage slots written by postJob");
        vm.assertEq(jobId, 1, "job id");
    }

    function _distinct(bytes32[] memory slots) private pure returns (uint256 count) {
        for (uint256 i = 0; i < slots.length; i++) {
            bool seen = false;
            for (uint256 j = 0; j < i; j++) {
                if (slots[j] == slots[i]) seen = true;
            }
            if (!seen) count++;
        }
    }

    // ------------------------------------------------------------ payment hooks

    function test_hooks_runStartedOnStartAndEndedOnComplete() public {
        HookRecordingMarket hooked = _hookedMarket();
        uint256 jobId = _runOn(hooked);
        vm.assertEq(hooked.runStarted(jobId), 1, "started once");
        vm.assertEq(hooked.runEnded(jobId), 0, "not ended while running");
        vm.prank(provider);
        hooked.completeJob(jobId, "bafyresult", 0, 0);
        vm.assertEq(hooked.runEnded(jobId), 1, "ended once");
    }

    function test_hooks_runEndedOnFailFromRunning() public {
        HookRecordingMarket hooked = _hookedMarket();
        uint256 jobId = _runOn(hooked);
        vm.prank(provider);
        hooked.failJob(jobId, "crash", "");
        vm.assertEq(hooked.runEnded(jobId), 1, "ended once");
    }

    function test_hooks_runEndedOnExpireFromRunning() public {
        HookRecordingMarket hooked = _hookedMarket();
        uint256 jobId = _runOn(hooked);
        vm.warp(uint256(hooked.getJob(jobId).deadline) + 1);
        hooked.expireJob(jobId);
        vm.assertEq(hooked.runEnded(jobId), 1, "ended once");
    }

    function test_hooks_runEndedOnCancelFromRunning() public {
        HookRecordingMarket hooked = _hookedMarket();
        uint256 jobId = _runOn(hooked);
        vm.prank(requester);
        hooked.cancelJob(jobId);
        vm.assertEq(hooked.runEnded(jobId), 1, "ended once");
    }

    function test_hooks_notCalledForJobsThatNeverRan() public {
        HookRecordingMarket hooked = _hookedMarket();
        vm.prank(requester);
        uint256 jobId = hooked.postJob(_request());
        vm.prank(provider);
        hooked.acceptJob(jobId);
        vm.prank(provider);
        hooked.failJob(jobId, "image missing", "");
        vm.prank(requester);
        uint256 other = hooked.postJob(_request());
        vm.warp(T0 + 2 days);
        hooked.expireJob(other);
        vm.assertEq(hooked.runStarted(jobId) + hooked.runStarted(other), 0, "never started");
        vm.assertEq(hooked.runEnded(jobId) + hooked.runEnded(other), 0, "never ended");
    }

    function _hookedMarket() private returns (HookRecordingMarket hooked) {
        hooked = new HookRecordingMarket(START_WINDOW, GRACE);
        vm.prank(provider);
        hooked.registerProvider(_offer(4, 8192, 10));
    }

    function _runOn(HookRecordingMarket hooked) private returns (uint256 jobId) {
        vm.prank(requester);
        jobId = hooked.postJob(_request());
        vm.startPrank(provider);
        hooked.acceptJob(jobId);
        hooked.startJob(jobId);
        vm.stopPrank();
    }
}
