// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {HookRecordingMarket} from "../utils/HookRecordingMarket.sol";
import {TestBase} from "../utils/TestBase.sol";
import {MarketHandler} from "./MarketHandler.sol";

/// @dev Random call sequences through MarketHandler; the handler checks every step against its
/// ghost books, and the invariants below check that no job can get stuck.
contract OrangeMarketInvariantTest is TestBase {
    HookRecordingMarket internal market;
    MarketHandler internal handler;

    /// Raised by probeExpire after a successful expiry, so that the probe's changes roll back.
    error ProbeExpired();

    function setUp() public {
        vm.warp(1_700_000_000);
        market = new HookRecordingMarket(300, 60);
        handler = new MarketHandler(market);

        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = MarketHandler.registerProvider.selector;
        selectors[1] = MarketHandler.deactivateProvider.selector;
        selectors[2] = MarketHandler.hireJob.selector;
        selectors[3] = MarketHandler.startJob.selector;
        selectors[4] = MarketHandler.completeJob.selector;
        selectors[5] = MarketHandler.failJob.selector;
        selectors[6] = MarketHandler.cancelJob.selector;
        selectors[7] = MarketHandler.expireJob.selector;
        selectors[8] = MarketHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// One campaign checks all three after every call.
    function invariant_legalStepsHiredIdsAndExits() public {
        _everyStepIsLegal();
        _everyHiredIdIsAJob();
        _everyOpenJobHasAPublicExit();
    }

    /// Only good, unused offers of active providers hire, bound to their signer, under the id
    /// jobIdOf(provider, nonce) that no job had before; only the bound
    /// provider moves a job and only the requester cancels it; states only move forward from an
    /// allowed state and within their deadline; no run ends in its start second; the payment hooks
    /// fire once per run (checked per step by the handler).
    function _everyStepIsLegal() internal view {
        vm.assertEq(handler.violations(), 0, handler.firstViolation());
    }

    /// Every job that is not terminal can be ended by an arbitrary account once its deadline passed.
    function _everyOpenJobHasAPublicExit() internal {
        uint256 count = handler.jobCount();
        for (uint256 i = 0; i < count; i++) {
            uint256 jobId = handler.jobIds(i);
            if (uint8(market.getJob(jobId).state) >= uint8(OrangeMarket.JobState.Completed)) continue;
            uint256 snapshot = vm.snapshotState();
            try this.probeExpire(jobId) {
                vm.assertTrue(false, "probeExpire returned without reverting");
            } catch (bytes memory reason) {
                vm.assertEq(reason, abi.encodeWithSelector(ProbeExpired.selector), "expireJob after deadline failed");
            }
            // Restores the whole state, clock included: no backwards warp.
            vm.revertToStateAndDelete(snapshot);
        }
    }

    /// Every id a hire returned names a job of the provider and nonce it encodes, and the nonce
    /// reads as used: the job's slot is the replay guard, so it must never read as empty again.
    function _everyHiredIdIsAJob() internal view {
        uint256 count = handler.jobCount();
        for (uint256 i = 0; i < count; i++) {
            uint256 jobId = handler.jobIds(i);
            OrangeMarket.JobView memory job = market.getJob(jobId);
            vm.assertTrue(job.state != OrangeMarket.JobState.None, "a hired id names no job");
            // forge-lint: disable-next-line(unsafe-typecast) (the nonce is the id's low 64 bits)
            uint64 nonce = uint64(jobId);
            vm.assertEq(market.jobIdOf(job.provider, nonce), jobId, "the id's provider and nonce");
            vm.assertTrue(market.offerNonceUsed(job.provider, nonce), "the nonce reads as used");
        }
    }

    /// @dev External so it can run under try/catch: always reverts, undoing the expiry.
    function probeExpire(uint256 jobId) external {
        uint256 after_ = uint256(market.getJob(jobId).deadline) + 1;
        // Only forward: a deadline long past is expired now.
        if (after_ > block.timestamp) vm.warp(after_);
        vm.prank(address(0xdead));
        market.expireJob(jobId);
        vm.assertEq(uint256(market.getJob(jobId).state), uint256(OrangeMarket.JobState.Expired), "expired");
        revert ProbeExpired();
    }
}
