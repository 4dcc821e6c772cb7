// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {OrangeStreamingMarket} from "../../src/OrangeStreamingMarket.sol";
import {ICFAv1Forwarder, ISuperTokenLike} from "../../src/payments/SuperfluidInterfaces.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev Drives the streaming market over the real Superfluid framework with two requesters and two
/// providers (four pairs), including requesters that delete their flow mid-run, and keeps ghost
/// books of every run: its rate, start, deadline and end. Market reverts are expected and swallowed.
contract StreamingHandler is TestBase {
    OrangeStreamingMarket public immutable market;
    ICFAv1Forwarder public immutable forwarder;
    ISuperTokenLike public immutable token;

    address[2] public requesters;
    address[2] public providers;
    address internal constant STRANGER = address(0x5757);

    mapping(uint256 => bool) public ghostStarted;
    mapping(uint256 => uint256) public ghostRate;
    mapping(uint256 => uint256) public ghostStartedAt;
    mapping(uint256 => uint256) public ghostRunBy;
    mapping(uint256 => uint256) public ghostEndedAt; // 0 while running
    /// The requester deleted the pair's flow and no start has recreated it since.
    mapping(address => mapping(address => bool)) public ghostFlowDeleted;
    /// Some flow to this provider was deleted by its requester at some point: it may be paid less.
    mapping(address => bool) public ghostShorted;
    mapping(address => int256) public initialHoldings;
    /// Overrun a requester left with the provider by deleting its flow past a run's deadline.
    mapping(address => uint256) public ghostWaived;

    mapping(bytes4 => uint256) public successes;

    constructor(
        OrangeStreamingMarket market_,
        ICFAv1Forwarder forwarder_,
        ISuperTokenLike token_,
        address[2] memory requesters_,
        address[2] memory providers_
    ) {
        market = market_;
        forwarder = forwarder_;
        token = token_;
        requesters = requesters_;
        providers = providers_;
        for (uint256 i = 0; i < 2; i++) {
            initialHoldings[providers_[i]] = holdings(providers_[i]);
        }
    }

    // ------------------------------------------------------------ actions

    function postJob(uint256 actorSeed, uint32 cores, uint32 timeoutSec, uint256 offerSeed) external {
        OrangeMarket.JobRequest memory req = OrangeMarket.JobRequest({
            name: "job",
            runtime: "python3",
            cores: uint32(bound(cores, 1, 8)),
            memoryMb: 512,
            timeoutSec: uint32(bound(timeoutSec, 1, 2 hours)),
            maxPricePerCoreSecond: 1e12,
            manifestCid: "bafymanifest",
            provider: offerSeed % 3 == 2 ? address(0) : providers[offerSeed % 3],
            acceptWindowSec: 0
        });
        vm.prank(requesters[actorSeed % 2]);
        market.postJob(req);
        successes[this.postJob.selector]++;
    }

    function acceptJob(uint256 jobSeed, uint256 actorSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        vm.prank(providers[actorSeed % 2]);
        try market.acceptJob(jobId) {
            successes[this.acceptJob.selector]++;
        } catch {}
    }

    function startJob(uint256 jobSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        OrangeMarket.Job memory job = market.getJob(jobId);
        vm.prank(job.provider);
        try market.startJob(jobId) {
            ghostStarted[jobId] = true;
            ghostRate[jobId] = uint256(job.pricePerCoreSecond) * job.cores;
            ghostStartedAt[jobId] = block.timestamp;
            ghostRunBy[jobId] = market.getJob(jobId).deadline;
            ghostFlowDeleted[job.requester][job.provider] = false;
            successes[this.startJob.selector]++;
        } catch {}
    }

    function completeJob(uint256 jobSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        vm.prank(market.getJob(jobId).provider);
        try market.completeJob(jobId, "bafyresult", 0, 0) {
            _ended(jobId, this.completeJob.selector);
        } catch {}
    }

    function failJob(uint256 jobSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        vm.prank(market.getJob(jobId).provider);
        try market.failJob(jobId, "flow stopped", "") {
            _ended(jobId, this.failJob.selector);
        } catch {}
    }

    function cancelJob(uint256 jobSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        vm.prank(market.getJob(jobId).requester);
        try market.cancelJob(jobId) {
            _ended(jobId, this.cancelJob.selector);
        } catch {}
    }

    function expireJob(uint256 jobSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        vm.prank(STRANGER);
        try market.expireJob(jobId) {
            _ended(jobId, this.expireJob.selector);
        } catch {}
    }

    /// The requester deletes its flow to a provider behind the market's back.
    function deleteFlow(uint256 requesterSeed, uint256 providerSeed) external {
        address requester = requesters[requesterSeed % 2];
        address provider = providers[providerSeed % 2];
        if (forwarder.getFlowrate(address(token), requester, provider) == 0) return;
        // The overrun of the pair's runs already past their deadline was paid and, with the flow
        // gone, is no longer refunded at expiry: deleting instead of calling expireJob waives it.
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; jobId++) {
            if (!ghostStarted[jobId] || ghostEndedAt[jobId] != 0 || block.timestamp <= ghostRunBy[jobId]) continue;
            OrangeMarket.Job memory job = market.getJob(jobId);
            if (job.requester != requester || job.provider != provider) continue;
            ghostWaived[provider] += ghostRate[jobId] * (block.timestamp - ghostRunBy[jobId]);
        }
        vm.prank(requester);
        forwarder.setFlowrateFrom(address(token), requester, provider, 0);
        ghostFlowDeleted[requester][provider] = true;
        ghostShorted[provider] = true;
        successes[this.deleteFlow.selector]++;
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 1, 2 hours));
    }

    // ------------------------------------------------------------ ghost books

    /// Sum of the ghost rates of the pair's running jobs.
    function runningRate(address requester, address provider) public view returns (uint256 sum) {
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; jobId++) {
            if (!ghostStarted[jobId] || ghostEndedAt[jobId] != 0) continue;
            OrangeMarket.Job memory job = market.getJob(jobId);
            if (job.requester == requester && job.provider == provider) sum += ghostRate[jobId];
        }
    }

    /// What the provider may have received: each run's rate over its seconds up to its deadline
    /// (billable), plus the overrun of runs past their deadline that expiry will refund (pending).
    function paidBounds(address provider) public view returns (uint256 billable, uint256 pending) {
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; jobId++) {
            if (!ghostStarted[jobId]) continue;
            OrangeMarket.Job memory job = market.getJob(jobId);
            if (job.provider != provider) continue;
            uint256 end = ghostEndedAt[jobId] == 0 ? block.timestamp : ghostEndedAt[jobId];
            uint256 paidUntil = end < ghostRunBy[jobId] ? end : ghostRunBy[jobId];
            billable += ghostRate[jobId] * (paidUntil - ghostStartedAt[jobId]);
            if (ghostEndedAt[jobId] == 0 && end > ghostRunBy[jobId] && !ghostFlowDeleted[job.requester][provider]) {
                pending += ghostRate[jobId] * (end - ghostRunBy[jobId]);
            }
        }
    }

    function holdings(address who) public view returns (int256) {
        (int256 available, uint256 deposit,,) = token.realtimeBalanceOfNow(who);
        return available + int256(deposit);
    }

    // ------------------------------------------------------------ internals

    function _ended(uint256 jobId, bytes4 selector) private {
        if (ghostStarted[jobId] && ghostEndedAt[jobId] == 0) ghostEndedAt[jobId] = block.timestamp;
        successes[selector]++;
    }

    function _pick(uint256 seed) private view returns (bool any, uint256 jobId) {
        uint256 count = market.jobCount();
        if (count == 0) return (false, 0);
        return (true, bound(seed, 1, count));
    }
}
