// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {OrangeStreamingMarket} from "../../src/OrangeStreamingMarket.sol";
import {FlowPermissions, ICFAv1Forwarder, ISuperTokenLike} from "../../src/payments/SuperfluidInterfaces.sol";
import {Cheats, TestBase} from "../utils/TestBase.sol";
import {compactSig} from "../utils/CompactSig.sol";

interface IForwarderAsSender {
    function setFlowrate(address token, address receiver, int96 flowrate) external returns (bool);
}

/// @dev Drives the streaming market over the real Superfluid framework: three requesters (one of
/// them poor enough to go critical), three bonded providers (one a Super App that reverts when its
/// flow is lowered or deleted), concurrent jobs of one pair, requesters that lower or delete their
/// flows and revoke or restore the market's rights, bond withdrawals. Between calls it integrates
/// what each pair's real flow moved and splits it over the pair's running jobs (min(1, flow /
/// booked) of each job's rate), independently of the market, and records each PaymentStopped.
/// Time only moves forward.
contract StreamingHandler is TestBase {
    struct Run {
        address requester;
        address provider;
        uint256 rate;
        uint256 cover;
        uint256 startedAt;
        uint256 runBy;
        uint256 endedAt; // 0 while running
        uint256 moved; // what the pair's flow moved for this job, by the handler's integration
        uint256 paid;
        uint256 refunded;
        bool exact;
    }

    OrangeStreamingMarket public immutable market;
    ICFAv1Forwarder public immutable forwarder;
    ISuperTokenLike public immutable token;
    uint96 public immutable price;

    address[3] public requesters;
    address[3] public providers;
    uint256[3] internal keys;
    bytes internal constant JOB_KEY = hex"02aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899";

    mapping(uint256 => Run) public runs;
    /// @dev Every job hired, started or not (ids are not dense: the invariants walk this list).
    uint256[] public hiredJobs;
    uint256[] public startedJobs;
    mapping(address => int256) public initialWorth;
    uint64 internal nonce;
    mapping(bytes4 => uint256) public successes;

    constructor(
        OrangeStreamingMarket market_,
        ICFAv1Forwarder forwarder_,
        ISuperTokenLike token_,
        uint96 price_,
        address[3] memory requesters_,
        uint256[3] memory providerKeys
    ) {
        market = market_;
        forwarder = forwarder_;
        token = token_;
        price = price_;
        requesters = requesters_;
        keys = providerKeys;
        for (uint256 i = 0; i < 3; i++) {
            providers[i] = vm.addr(providerKeys[i]);
        }
    }

    function recordInitialWorth() external {
        for (uint256 i = 0; i < 3; i++) {
            initialWorth[providers[i]] = worth(providers[i]);
        }
    }

    // ------------------------------------------------------------ job actions

    function hireAndStart(uint256 r, uint256 p, uint32 cores, uint32 timeoutSec) external {
        address requester = requesters[bound(r, 0, 2)];
        uint256 pi = bound(p, 0, 2);
        OrangeMarket.Offer memory offer = OrangeMarket.Offer({
            provider: providers[pi],
            requester: requester,
            runtime: "python3",
            cores: uint32(bound(cores, 1, 3)),
            memoryMb: 512,
            maxTimeoutSec: 1800,
            pricePerCoreSecond: price,
            jobPublicKey: JOB_KEY,
            expiresAt: uint64(block.timestamp + 60),
            nonce: nonce++
        });
        (uint8 v, bytes32 rs, bytes32 s) = vm.sign(keys[pi], market.offerDigest(offer));
        OrangeMarket.JobRequest memory req = OrangeMarket.JobRequest({
            name: "job", timeoutSec: uint32(bound(timeoutSec, 1, 1800)), manifestCid: "bafymanifest"
        });
        vm.prank(requester);
        uint256 jobId = market.hireJob(offer, rs, compactSig(v, rs, s).vs, req, hex"c0ffee");
        hiredJobs.push(jobId);
        vm.prank(offer.provider);
        try market.startJob(jobId) {
            OrangeMarket.JobView memory job = market.getJob(jobId);
            runs[jobId] = Run({
                requester: requester,
                provider: offer.provider,
                rate: job.rate,
                cover: uint256(job.rate) * (uint256(job.timeoutSec) + market.GRACE_SEC()),
                startedAt: block.timestamp,
                runBy: job.deadline,
                endedAt: 0,
                moved: 0,
                paid: 0,
                refunded: 0,
                exact: false
            });
            startedJobs.push(jobId);
            successes[this.hireAndStart.selector]++;
        } catch {}
    }

    function completeJob(uint256 seed) external {
        (bool any, uint256 jobId) = _pickRunning(seed);
        if (!any) return;
        _end(jobId, runs[jobId].provider, abi.encodeCall(market.completeJob, (jobId, "bafyresult", 0, 0)));
    }

    function failJob(uint256 seed) external {
        (bool any, uint256 jobId) = _pickRunning(seed);
        if (!any) return;
        _end(jobId, runs[jobId].provider, abi.encodeCall(market.failJob, (jobId, "unpaid", "")));
    }

    function cancelJob(uint256 seed) external {
        (bool any, uint256 jobId) = _pickRunning(seed);
        if (!any) return;
        _end(jobId, runs[jobId].requester, abi.encodeCall(market.cancelJob, (jobId)));
    }

    function expireJob(uint256 seed) external {
        (bool any, uint256 jobId) = _pickRunning(seed);
        if (!any) return;
        _end(jobId, address(0xdead), abi.encodeCall(market.expireJob, (jobId)));
    }

    // ------------------------------------------------------------ the requester behind the market's back

    function lowerFlow(uint256 r, uint256 p, uint256 rateSeed) external {
        address requester = requesters[bound(r, 0, 2)];
        address provider = providers[bound(p, 0, 2)];
        uint256 flow = _flow(requester, provider);
        if (flow < 2) return;
        vm.prank(requester);
        try IForwarderAsSender(address(forwarder))
            .setFlowrate(address(token), provider, int96(int256(bound(rateSeed, 1, flow - 1)))) {
            successes[this.lowerFlow.selector]++;
        } catch {}
    }

    function deleteFlow(uint256 r, uint256 p) external {
        address requester = requesters[bound(r, 0, 2)];
        address provider = providers[bound(p, 0, 2)];
        if (_flow(requester, provider) == 0) return;
        vm.prank(requester);
        try IForwarderAsSender(address(forwarder)).setFlowrate(address(token), provider, 0) {
            successes[this.deleteFlow.selector]++;
        } catch {}
    }

    function revokeOperator(uint256 r) external {
        vm.prank(requesters[bound(r, 0, 2)]);
        forwarder.updateFlowOperatorPermissions(address(token), address(market), 0, 0);
        successes[this.revokeOperator.selector]++;
    }

    function restoreOperator(uint256 r) external {
        vm.prank(requesters[bound(r, 0, 2)]);
        forwarder.updateFlowOperatorPermissions(address(token), address(market), FlowPermissions.ALL, type(int96).max);
    }

    function withdrawBond(uint256 p, uint256 amount) external {
        address provider = providers[bound(p, 0, 2)];
        (uint256 free,) = market.bondOf(provider);
        if (free == 0) return;
        vm.prank(provider);
        market.withdrawBond(bound(amount, 1, free));
        successes[this.withdrawBond.selector]++;
    }

    function warp(uint256 secondsAhead) external {
        uint256 dt = bound(secondsAhead, 1, 1 hours);
        _integrate(dt);
        vm.warp(block.timestamp + dt);
    }

    // ------------------------------------------------------------ books

    /// What the provider owns: its tokens (with the deposits its flows lock) and its bond.
    function worth(address who) public view returns (int256) {
        (int256 available, uint256 deposit,,) = token.realtimeBalanceOfNow(who);
        (uint256 free, uint256 locked) = market.bondOf(who);
        return available + int256(deposit) + int256(free + locked);
    }

    function startedCount() external view returns (uint256) {
        return startedJobs.length;
    }

    function runningRate(address requester, address provider) public view returns (uint256 sum) {
        for (uint256 i = 0; i < startedJobs.length; i++) {
            Run storage run = runs[startedJobs[i]];
            if (run.endedAt == 0 && run.requester == requester && run.provider == provider) sum += run.rate;
        }
    }

    /// @dev The rounding the market's accounting may differ by: rate / 1e15 per second, and a few
    /// wei per stretch between two calls.
    function tolerance(Run memory r) public pure returns (uint256) {
        return r.rate * (r.endedAt - r.startedAt) / 1e15 + 200;
    }

    function hiredCount() external view returns (uint256) {
        return hiredJobs.length;
    }

    function runOf(uint256 jobId) external view returns (Run memory) {
        return runs[jobId];
    }

    // ------------------------------------------------------------ internals

    /// @dev Flows only change in calls, so over dt each pair's flow is what it is now; each running
    /// job of the pair gets min(1, flow / booked) of its rate.
    function _integrate(uint256 dt) private {
        for (uint256 i = 0; i < startedJobs.length; i++) {
            Run storage run = runs[startedJobs[i]];
            if (run.endedAt != 0) continue;
            uint256 booked = market.pairRate(run.requester, run.provider);
            uint256 flow = _flow(run.requester, run.provider);
            uint256 share = flow >= booked ? run.rate * dt : run.rate * dt * flow / booked;
            run.moved += share;
        }
    }

    function _end(uint256 jobId, address caller, bytes memory call) private {
        vm.recordLogs();
        vm.prank(caller);
        (bool ok,) = address(market).call(call);
        Cheats.Log[] memory logs = vm.getRecordedLogs();
        if (!ok) return;
        Run storage run = runs[jobId];
        run.endedAt = block.timestamp;
        bool seen;
        for (uint256 i = 0; i < logs.length; i++) {
            if (
                logs[i].emitter == address(market) && logs[i].topics[0] == OrangeStreamingMarket.PaymentStopped.selector
            ) {
                (, run.paid, run.refunded, run.exact) = abi.decode(logs[i].data, (uint256, uint256, uint256, bool));
                seen = true;
            }
        }
        require(seen, "a paid run ended without PaymentStopped");
        successes[bytes4(call)]++;
    }

    function _pickRunning(uint256 seed) private view returns (bool any, uint256 jobId) {
        uint256 n = startedJobs.length;
        if (n == 0) return (false, 0);
        uint256 first = bound(seed, 0, n - 1);
        for (uint256 k = 0; k < n; k++) {
            jobId = startedJobs[(first + k) % n];
            if (runs[jobId].endedAt == 0) return (true, jobId);
        }
        return (false, 0);
    }

    function _flow(address requester, address provider) private view returns (uint256) {
        int96 flow = forwarder.getFlowrate(address(token), requester, provider);
        return flow < 0 ? 0 : uint256(uint96(flow));
    }
}
