// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {HookRecordingMarket} from "../utils/HookRecordingMarket.sol";
import {TestBase} from "../utils/TestBase.sol";
import {MarketHandler} from "./MarketHandler.sol";

/// @dev Random call sequences through MarketHandler; the handler checks every step against its
/// ghost state (forward-only transitions, frozen terminal states, one provider per job, payment
/// hooks fired exactly once per run), and the invariants below check that no job can get stuck.
contract OrangeMarketInvariantTest is TestBase {
    HookRecordingMarket internal market;
    MarketHandler internal handler;

    /// Raised by _probeExpire after a successful expiry, so that the probe's changes roll back.
    error ProbeExpired();

    function setUp() public {
        vm.warp(1_700_000_000);
        market = new HookRecordingMarket(300, 60);
        handler = new MarketHandler(market);

        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = MarketHandler.registerProvider.selector;
        selectors[1] = MarketHandler.deactivateProvider.selector;
        selectors[2] = MarketHandler.postJob.selector;
        selectors[3] = MarketHandler.acceptJob.selector;
        selectors[4] = MarketHandler.grantAccess.selector;
        selectors[5] = MarketHandler.startJob.selector;
        selectors[6] = MarketHandler.completeJob.selector;
        selectors[7] = MarketHandler.failJob.selector;
        selectors[8] = MarketHandler.cancelJob.selector;
        selectors[9] = MarketHandler.expireJob.selector;
        selectors[10] = MarketHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// States only move forward, terminal states never change, one provider per job, the price
    /// never exceeds the ceiling and the payment hooks fire once per run (checked per step).
    function invariant_everyStepIsLegal() public view {
        vm.assertEq(handler.violations(), 0, handler.firstViolation());
    }

    /// Every job that is not terminal can be ended by an arbitrary account once its deadline passed.
    function invariant_everyOpenJobHasAPublicExit() public {
        uint256 count = market.jobCount();
        uint256 now_ = block.timestamp;
        for (uint256 jobId = 1; jobId <= count; jobId++) {
            OrangeMarket.JobState state = market.getJob(jobId).state;
            if (uint8(state) >= uint8(OrangeMarket.JobState.Completed)) continue;
            try this.probeExpire(jobId) {
                vm.assertTrue(false, "probeExpire returned without reverting");
            } catch (bytes memory reason) {
                vm.assertEq(reason, abi.encodeWithSelector(ProbeExpired.selector), "expireJob after deadline failed");
            }
            vm.warp(now_);
        }
    }

    /// Job ids are dense: 1..jobCount all exist.
    function invariant_jobIdsAreDense() public view {
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; jobId++) {
            vm.assertTrue(market.getJob(jobId).state != OrangeMarket.JobState.None, "hole in job ids");
        }
    }

    /// @dev External so it can run under try/catch: always reverts, undoing the expiry.
    function probeExpire(uint256 jobId) external {
        uint40 deadline = market.getJob(jobId).deadline;
        vm.warp(uint256(deadline) + 1);
        vm.prank(address(0xdead));
        market.expireJob(jobId);
        vm.assertEq(uint256(market.getJob(jobId).state), uint256(OrangeMarket.JobState.Expired), "expired");
        revert ProbeExpired();
    }
}
