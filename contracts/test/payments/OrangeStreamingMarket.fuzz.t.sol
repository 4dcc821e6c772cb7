// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {OrangeStreamingMarket} from "../../src/OrangeStreamingMarket.sol";
import {StreamingFixture} from "../utils/StreamingFixture.sol";
import {Cheats} from "../utils/TestBase.sol";

/// @dev Fuzzed refunds against the real framework: untouched, lowered and shared flows. 256 runs
/// each: every run drives the real Superfluid framework, and the whole suite stays near a minute.
contract OrangeStreamingMarketFuzzTest is StreamingFixture {
    struct Stopped {
        uint256 paid;
        uint256 refunded;
        bool exact;
    }

    /// @dev What a provider owns: its tokens and its bond (free and locked).
    function _worth(address who) internal view returns (int256) {
        (uint256 free, uint256 locked) = paid.bondOf(who);
        return _balance(who) + int256(free + locked);
    }

    /// @dev Ends the job at `at`: completeJob while the provider still may, expireJob after.
    function _endAt(uint256 jobId, uint256 at) internal returns (Stopped memory s) {
        vm.warp(at);
        vm.recordLogs();
        if (at <= market.getJob(jobId).deadline) {
            vm.prank(market.getJob(jobId).provider);
            market.completeJob(jobId, "bafyresult", 0, 0);
        } else {
            market.expireJob(jobId);
        }
        Cheats.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter == address(paid) && logs[i].topics[0] == OrangeStreamingMarket.PaymentStopped.selector)
            {
                (, s.paid, s.refunded, s.exact) = abi.decode(logs[i].data, (uint256, uint256, uint256, bool));
            }
        }
    }

    function _endBoth(uint256 a, uint256 b, uint256 aEnd, uint256 bEnd)
        internal
        returns (Stopped memory sa, Stopped memory sb)
    {
        if (aEnd <= bEnd) {
            sa = _endAt(a, aEnd);
            sb = _endAt(b, bEnd);
        } else {
            sb = _endAt(b, bEnd);
            sa = _endAt(a, aEnd);
        }
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_refundIsWhatWasPaidBeyondTheCover(uint32 cores, uint32 timeoutSec, uint256 runFor) public {
        cores = uint32(bound(cores, 1, 4));
        timeoutSec = uint32(bound(timeoutSec, 1, 3600));
        uint256 rate = uint256(cores) * PRICE;
        uint256 cover = rate * (uint256(timeoutSec) + GRACE);
        runFor = bound(runFor, 1, 3 * (uint256(timeoutSec) + GRACE));
        uint256 jobId = _runningWith(cores, timeoutSec);
        int256 requesterBefore = _balance(requester);
        int256 providerBefore = _worth(provider);
        Stopped memory s = _endAt(jobId, block.timestamp + runFor);

        vm.assertEq(s.paid, rate * runFor, "paid: the flow ran untouched");
        vm.assertTrue(s.exact, "exact");
        uint256 expectedRefund = s.paid > cover ? s.paid - cover : 0;
        if (expectedRefund > cover) expectedRefund = cover;
        vm.assertEq(s.refunded, expectedRefund, "refund");
        uint256 cost = uint256(requesterBefore - _balance(requester));
        vm.assertEq(cost, s.paid - s.refunded, "the requester's cost");
        vm.assertEq(uint256(_worth(provider) - providerBefore), cost, "what the provider kept");
        if (runFor <= 2 * (uint256(timeoutSec) + GRACE)) vm.assertLe(cost, cover, "within the bond's cover");
        vm.assertEq(token.balanceOf(address(paid)), paid.totalBonds(), "balance == bonds");
    }

    struct Lowered {
        uint256 start;
        uint256 rate;
        int256 providerBefore;
        uint256 bondBefore;
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_aLoweredFlowNeverCostsTheProvider(uint256 lowerAfter, uint256 lowRate, uint256 runFor) public {
        Lowered memory l = Lowered(block.timestamp, 2 * uint256(PRICE), _worth(provider), 0);
        (l.bondBefore,) = paid.bondOf(provider);
        uint256 jobId = _runningWith(2, 600);
        runFor = bound(runFor, 2, 4 * (600 + GRACE));
        lowerAfter = bound(lowerAfter, 1, runFor - 1);
        lowRate = bound(lowRate, 1, l.rate - 1);
        vm.warp(l.start + lowerAfter);
        vm.prank(requester);
        forwarder.setFlowrate(address(token), provider, int96(int256(lowRate)));
        Stopped memory s = _endAt(jobId, l.start + runFor);

        vm.assertFalse(s.exact, "someone else changed the flow");
        // [start, lowerAfter) is unknown to the market: counted unpaid. From then on, lowRate, rounded
        // down by at most rate / 1e15 per second.
        uint256 known = lowRate * (runFor - lowerAfter);
        vm.assertLe(s.paid, known, "never more than what moved while known");
        vm.assertGe(s.paid + (runFor - lowerAfter) * (l.rate / 1e15 + 1), known, "rounding only");
        int256 gained = _worth(provider) - l.providerBefore;
        vm.assertGe(gained, 0, "the provider is never poorer");
        uint256 moved = l.rate * lowerAfter + known;
        vm.assertEq(uint256(gained), moved - s.refunded, "it keeps what moved less the refund");
        uint256 cover = l.rate * (600 + GRACE);
        vm.assertLe(s.refunded, s.paid > cover ? s.paid - cover : 0, "refund only of overpayment");
        (uint256 bondAfter,) = paid.bondOf(provider);
        vm.assertEq(bondAfter + s.refunded, l.bondBefore, "the refund came from the bond");
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_concurrentJobsAreBilledExactly(
        uint32 coresA,
        uint32 coresB,
        uint256 bAfter,
        uint256 aRuns,
        uint256 bRuns
    ) public {
        coresA = uint32(bound(coresA, 1, 4));
        coresB = uint32(bound(coresB, 1, 4));
        uint256 start = block.timestamp;
        int256 providerBefore = _worth(provider);
        uint256 a = _runningWith(coresA, 600);
        bAfter = bound(bAfter, 0, 300);
        vm.warp(start + bAfter);
        uint256 b = _runningWith(coresB, 600);
        aRuns = bound(aRuns, bAfter == 0 ? 1 : bAfter, 2000);
        bRuns = bound(bRuns, 1, 2000);
        (Stopped memory sa, Stopped memory sb) = _endBoth(a, b, start + aRuns, start + bAfter + bRuns);
        vm.assertEq(sa.paid, uint256(coresA) * PRICE * aRuns, "a paid its seconds");
        vm.assertEq(sb.paid, uint256(coresB) * PRICE * bRuns, "b paid its seconds");
        vm.assertTrue(sa.exact && sb.exact, "exact");
        vm.assertEq(_flow(), 0, "closed");
        vm.assertEq(
            uint256(_worth(provider) - providerBefore),
            sa.paid + sb.paid - sa.refunded - sb.refunded,
            "the provider kept what both paid less the refunds"
        );
        vm.assertEq(paid.pairRate(requester, provider), 0, "idle");
    }
}
