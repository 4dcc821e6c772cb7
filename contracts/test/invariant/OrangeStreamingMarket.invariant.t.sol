// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {FlowPermissions} from "../../src/payments/SuperfluidInterfaces.sol";
import {AppDefinitions, ISuperfluidHostTest, RevertingSuperApp} from "../utils/RevertingSuperApp.sol";
import {StreamingFixture} from "../utils/StreamingFixture.sol";
import {StreamingHandler} from "./StreamingHandler.sol";

interface EtchCheatsInv {
    function etch(address target, bytes calldata code) external;
}

/// @dev Random sequences of hires, starts, exits, time jumps, lowered and deleted flows, revoked
/// rights and bond withdrawals over the real Superfluid framework, with a poor requester that goes
/// critical and a Super App provider that reverts on flow changes. The invariants compare the
/// chain with the handler's own integration of every pair's flow.
contract OrangeStreamingMarketInvariantTest is StreamingFixture {
    StreamingHandler internal handler;
    address[3] internal requesterAccounts = [address(0x1001), address(0x1002), address(0xF00D)];
    uint256[3] internal providerKeys = [uint256(0x2001), 0x2002, 0x2003];
    address[3] internal providerAccounts;

    error ProbeExpired();

    function setUp() public override {
        super.setUp();
        for (uint256 i = 0; i < 3; i++) {
            // The third requester holds only the deposit of a 1e12/s flow and about an hour of it.
            _fund(requesterAccounts[i], i < 2 ? MINT_LIMIT / 4 : 2e16);
            _authorize(requesterAccounts[i], FlowPermissions.ALL, type(int96).max);
            address who = vm.addr(providerKeys[i]);
            providerAccounts[i] = who;
            _register(who, 8, 8192, PRICE);
            _bond(who, 1000e18);
        }
        // The third provider is a Super App that reverts when a flow to it is lowered or deleted.
        address app = vm.addr(providerKeys[2]);
        vm.prank(app);
        ISuperfluidHostTest(sf.host).registerApp(AppDefinitions.REVERT_ON_CHANGE);
        EtchCheatsInv(address(vm)).etch(app, address(new RevertingSuperApp()).code);

        handler = new StreamingHandler(paid, forwarder, token, PRICE, requesterAccounts, providerKeys);
        handler.recordInitialWorth();

        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = StreamingHandler.hireAndStart.selector;
        selectors[1] = StreamingHandler.completeJob.selector;
        selectors[2] = StreamingHandler.failJob.selector;
        selectors[3] = StreamingHandler.cancelJob.selector;
        selectors[4] = StreamingHandler.expireJob.selector;
        selectors[5] = StreamingHandler.lowerFlow.selector;
        selectors[6] = StreamingHandler.deleteFlow.selector;
        selectors[7] = StreamingHandler.revokeOperator.selector;
        selectors[8] = StreamingHandler.restoreOperator.selector;
        selectors[9] = StreamingHandler.withdrawBond.selector;
        selectors[10] = StreamingHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// One campaign checks all five after every call (a campaign per invariant would drive the
    /// real framework five times over): 32 runs x 100 calls.
    /// forge-config: default.invariant.runs = 32
    function invariant_moneyAndExits() public {
        _marketBalanceIsTheSumOfBonds();
        _aProviderIsNeverPoorer();
        _paidRefundedAndCostMatchTheFlow();
        _pairRateIsTheSumOfRunningRates();
        _everyOpenJobHasAPublicExit();
    }

    /// The market holds exactly the providers' bonds: no refund, reward or deposit is left over.
    function _marketBalanceIsTheSumOfBonds() internal view {
        uint256 sum;
        for (uint256 i = 0; i < 3; i++) {
            (uint256 free, uint256 locked) = paid.bondOf(providerAccounts[i]);
            sum += free + locked;
        }
        (uint256 f0, uint256 l0) = paid.bondOf(provider);
        (uint256 f1, uint256 l1) = paid.bondOf(otherProvider);
        sum += f0 + l0 + f1 + l1;
        vm.assertEq(paid.totalBonds(), sum, "totalBonds is the sum of the bonds");
        vm.assertEq(token.balanceOf(address(paid)), sum, "balance == sum of bonds");
    }

    /// A provider never ends poorer than it started: a refund only ever returns what a flow overpaid
    /// it, and comes from its bond, which the flow filled first.
    function _aProviderIsNeverPoorer() internal view {
        for (uint256 i = 0; i < 3; i++) {
            address who = providerAccounts[i];
            vm.assertGe(handler.worth(who), handler.initialWorth(who), "a provider lost money");
        }
    }

    /// For every ended run: PaymentStopped.paid is what the pair's flow moved for the job when
    /// exact, and never more; the refund is at most what the flow paid beyond the cover; a run
    /// ended within its bond's cover cost the requester at most rate x (timeout + grace).
    function _paidRefundedAndCostMatchTheFlow() internal view {
        uint256 n = handler.startedCount();
        for (uint256 i = 0; i < n; i++) {
            StreamingHandler.Run memory r = handler.runOf(handler.startedJobs(i));
            if (r.endedAt == 0) continue;
            uint256 tol = handler.tolerance(r);
            vm.assertLe(r.paid, r.moved + tol, "paid more than the flow moved");
            if (r.exact) vm.assertGe(r.paid + tol, r.moved, "exact paid below what moved");
            vm.assertLe(r.refunded, r.paid > r.cover ? r.paid - r.cover : 0, "refund beyond the overpayment");
            if (r.exact && r.endedAt <= r.runBy + (r.runBy - r.startedAt)) {
                uint256 cost = r.moved > r.refunded ? r.moved - r.refunded : 0;
                vm.assertLe(cost, r.cover + tol, "the requester paid more than the cover");
            }
        }
    }

    /// The market's book of each pair is the sum of its running jobs' rates.
    function _pairRateIsTheSumOfRunningRates() internal view {
        for (uint256 r = 0; r < 3; r++) {
            for (uint256 p = 0; p < 3; p++) {
                address who = providerAccounts[p];
                vm.assertEq(
                    paid.pairRate(requesterAccounts[r], who), handler.runningRate(requesterAccounts[r], who), "pairRate"
                );
            }
        }
    }

    /// Every job that is not terminal can be ended by an arbitrary account once its deadline
    /// passed, payments included: no receiver, revoked right or critical requester blocks it.
    function _everyOpenJobHasAPublicExit() internal {
        uint256 count = handler.hiredCount();
        for (uint256 i = 0; i < count; i++) {
            uint256 jobId = handler.hiredJobs(i);
            if (uint8(market.getJob(jobId).state) >= uint8(OrangeMarket.JobState.Completed)) continue;
            uint256 snapshot = vm.snapshotState();
            try this.probeExpire(jobId) {
                vm.assertTrue(false, "probeExpire returned without reverting");
            } catch (bytes memory reason) {
                vm.assertEq(reason, abi.encodeWithSelector(ProbeExpired.selector), "expireJob after deadline failed");
            }
            vm.revertToStateAndDelete(snapshot);
        }
    }

    /// @dev External so it can run under try/catch: always reverts, undoing the expiry.
    function probeExpire(uint256 jobId) external {
        uint256 after_ = uint256(market.getJob(jobId).deadline) + 1;
        // Only forward: a deadline long past is expired now.
        if (after_ > block.timestamp) vm.warp(after_);
        vm.prank(address(0xdead));
        market.expireJob(jobId);
        revert ProbeExpired();
    }
}
