// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {FlowPermissions} from "../../src/payments/SuperfluidInterfaces.sol";
import {StreamingFixture} from "../utils/StreamingFixture.sol";
import {StreamingHandler} from "./StreamingHandler.sol";

/// @dev Random sequences of job calls, time jumps and requesters deleting flows, over the real
/// Superfluid framework; the invariants compare the chain with the handler's ghost books.
contract OrangeStreamingMarketInvariantTest is StreamingFixture {
    StreamingHandler internal handler;
    address[2] internal requesters = [address(0x1001), address(0x1002)];
    address[2] internal providerAccounts = [address(0x2001), address(0x2002)];

    error ProbeExpired();

    function setUp() public override {
        super.setUp();
        for (uint256 i = 0; i < 2; i++) {
            _fund(requesters[i], MINT_LIMIT);
            _authorize(requesters[i], FlowPermissions.ALL, type(int96).max);
            vm.prank(providerAccounts[i]);
            market.registerProvider(_offer(8, 8192, uint96(PRICE / (i + 1))));
            vm.prank(providerAccounts[i]);
            token.approve(address(market), type(uint256).max);
        }
        handler = new StreamingHandler(market, forwarder, token, requesters, providerAccounts);

        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = StreamingHandler.postJob.selector;
        selectors[1] = StreamingHandler.acceptJob.selector;
        selectors[2] = StreamingHandler.startJob.selector;
        selectors[3] = StreamingHandler.completeJob.selector;
        selectors[4] = StreamingHandler.failJob.selector;
        selectors[5] = StreamingHandler.cancelJob.selector;
        selectors[6] = StreamingHandler.expireJob.selector;
        selectors[7] = StreamingHandler.deleteFlow.selector;
        selectors[8] = StreamingHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// The market's book of a pair is the sum of its running jobs' rates: a job that ended adds nothing.
    function invariant_pairRateIsTheSumOfRunningRates() public view {
        for (uint256 r = 0; r < 2; r++) {
            for (uint256 p = 0; p < 2; p++) {
                vm.assertEq(
                    market.pairRate(requesters[r], providerAccounts[p]),
                    handler.runningRate(requesters[r], providerAccounts[p]),
                    "pairRate"
                );
            }
        }
    }

    /// Each pair's real flow is that sum, or 0 after its requester deleted it: a terminal job never streams.
    function invariant_flowIsTheSumOfRunningRates() public view {
        for (uint256 r = 0; r < 2; r++) {
            for (uint256 p = 0; p < 2; p++) {
                address requester = requesters[r];
                address provider = providerAccounts[p];
                uint256 flow = uint256(uint96(forwarder.getFlowrate(address(token), requester, provider)));
                uint256 expected =
                    handler.ghostFlowDeleted(requester, provider) ? 0 : handler.runningRate(requester, provider);
                vm.assertEq(flow, expected, "flow");
            }
        }
    }

    /// A provider never keeps more than rate x (timeout + grace) per run: what it holds beyond its
    /// start, less the overrun expiry will take back, is at most each run's rate over its billable
    /// seconds, and exactly that when no requester deleted a flow to it. The one exception is the
    /// requester's own: deleting its flow past a deadline instead of calling expireJob leaves the
    /// overrun so far with the provider (the market cannot tell when a deleted flow stopped).
    function invariant_paidNeverExceedsTheCap() public view {
        for (uint256 p = 0; p < 2; p++) {
            address provider = providerAccounts[p];
            (uint256 billable, uint256 pending) = handler.paidBounds(provider);
            int256 received = handler.holdings(provider) - handler.initialHoldings(provider);
            vm.assertTrue(received >= 0, "a provider lost money");
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 holds = uint256(received);
            vm.assertGe(holds, pending, "overrun not received");
            uint256 settled = holds - pending;
            vm.assertLe(settled, billable + handler.ghostWaived(provider), "paid over the cap");
            if (!handler.ghostShorted(provider)) vm.assertEq(settled, billable, "paid exactly");
        }
    }

    /// Every job that is not terminal can be ended by an arbitrary account once its deadline passed,
    /// payment hooks included (they must not make an exit revert).
    function invariant_everyOpenJobHasAPublicExit() public {
        uint256 count = market.jobCount();
        uint256 now_ = block.timestamp;
        for (uint256 jobId = 1; jobId <= count; jobId++) {
            if (uint8(market.getJob(jobId).state) >= uint8(OrangeMarket.JobState.Completed)) continue;
            try this.probeExpire(jobId) {
                vm.assertTrue(false, "probeExpire returned without reverting");
            } catch (bytes memory reason) {
                vm.assertEq(reason, abi.encodeWithSelector(ProbeExpired.selector), "expireJob after deadline failed");
            }
            vm.warp(now_);
        }
    }

    /// @dev External so it can run under try/catch: always reverts, undoing the expiry.
    function probeExpire(uint256 jobId) external {
        vm.warp(uint256(market.getJob(jobId).deadline) + 1);
        vm.prank(address(0xdead));
        market.expireJob(jobId);
        revert ProbeExpired();
    }
}
