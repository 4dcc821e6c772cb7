// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {HookRecordingMarket} from "../utils/HookRecordingMarket.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @dev Drives the market with random but plausible calls from a few requesters and providers,
/// and after every call compares each job with its last snapshot (the ghost state). Reverts of
/// the market are expected (random callers, passed deadlines) and swallowed; what matters is
/// that no successful sequence leads to an illegal state.
contract MarketHandler is TestBase {
    HookRecordingMarket public immutable market;

    address[3] internal requesters = [address(0x1001), address(0x1002), address(0x1003)];
    address[3] internal providerAccounts = [address(0x2001), address(0x2002), address(0x2003)];

    /// Last observed state of each job, and what may never change once set.
    mapping(uint256 => OrangeMarket.JobState) public ghostState;
    mapping(uint256 => address) public ghostRequester;
    mapping(uint256 => address) public ghostOffered;
    mapping(uint256 => address) public ghostWinner;
    mapping(uint256 => uint96) public ghostCeiling;
    mapping(uint256 => uint40) public ghostDeadline;

    uint256 public violations;
    string public firstViolation;

    /// Successful calls per function, to see that the run explored the state machine.
    mapping(bytes4 => uint256) public successes;

    constructor(HookRecordingMarket market_) {
        market = market_;
        // Start with every provider able to take most jobs, so sequences reach Running quickly.
        for (uint256 i = 0; i < 3; i++) {
            vm.prank(providerAccounts[i]);
            market.registerProvider(_offer(16, 16384, uint96(10 * (i + 1))));
        }
    }

    // ------------------------------------------------------------ actions

    function registerProvider(uint256 actorSeed, uint32 cores, uint32 memoryMb, uint96 price) external {
        vm.prank(providerAccounts[actorSeed % 3]);
        market.registerProvider(
            _offer(uint32(bound(cores, 1, 16)), uint32(bound(memoryMb, 256, 16384)), uint96(bound(price, 0, 100)))
        );
        _succeeded(this.registerProvider.selector);
    }

    function deactivateProvider(uint256 actorSeed) external {
        vm.prank(providerAccounts[actorSeed % 3]);
        try market.deactivateProvider() {
            _succeeded(this.deactivateProvider.selector);
        } catch {}
    }

    function postJob(
        uint256 actorSeed,
        uint32 cores,
        uint32 memoryMb,
        uint32 timeoutSec,
        uint96 ceiling,
        uint256 offerSeed,
        uint32 window
    ) external {
        address who = requesters[actorSeed % 3];
        // offerSeed % 4 == 3: open to all; otherwise offered to one provider.
        address offered = offerSeed % 4 == 3 ? address(0) : providerAccounts[offerSeed % 4];
        OrangeMarket.JobRequest memory req = OrangeMarket.JobRequest({
            name: "job",
            runtime: "python3",
            cores: uint32(bound(cores, 1, 16)),
            memoryMb: uint32(bound(memoryMb, 256, 16384)),
            timeoutSec: uint32(bound(timeoutSec, 1, 2 hours)),
            maxPricePerCoreSecond: uint96(bound(ceiling, 0, 100)),
            manifestCid: "bafymanifest",
            provider: offered,
            acceptWindowSec: window % 2 == 0 ? 0 : uint32(bound(window, 30, 2 hours))
        });
        vm.prank(who);
        uint256 jobId = market.postJob(req);
        ghostRequester[jobId] = who;
        ghostOffered[jobId] = offered;
        ghostCeiling[jobId] = req.maxPricePerCoreSecond;
        _succeeded(this.postJob.selector);
    }

    function acceptJob(uint256 actorSeed, uint256 jobSeed) external {
        (bool exists, uint256 jobId) = _pickJob(jobSeed);
        if (!exists) return;
        address caller = providerAccounts[actorSeed % 3];
        OrangeMarket.JobState before = _stateOf(jobId);
        vm.prank(caller);
        try market.acceptJob(jobId) {
            _expectMove(jobId, before == OrangeMarket.JobState.Posted, OrangeMarket.JobState.Accepted, "acceptJob");
            if (market.getJob(jobId).provider != caller) _violation("acceptJob: the winner is not the caller");
            _succeeded(this.acceptJob.selector);
        } catch {}
    }

    function grantAccess(uint256 actorSeed, uint256 jobSeed) external {
        (bool exists, uint256 jobId) = _pickJob(jobSeed);
        if (!exists) return;
        address caller = _requesterOrRandom(jobId, actorSeed);
        OrangeMarket.JobState before = _stateOf(jobId);
        vm.prank(caller);
        try market.grantAccess(jobId, hex"01") {
            _expectMove(jobId, before == OrangeMarket.JobState.Accepted, OrangeMarket.JobState.Accepted, "grantAccess");
            _expectCaller(caller, market.getJob(jobId).requester, "grantAccess");
            _succeeded(this.grantAccess.selector);
        } catch {}
    }

    function startJob(uint256 actorSeed, uint256 jobSeed) external {
        (bool exists, uint256 jobId) = _pickJob(jobSeed);
        if (!exists) return;
        address caller = _providerOrRandom(jobId, actorSeed);
        OrangeMarket.JobState before = _stateOf(jobId);
        vm.prank(caller);
        try market.startJob(jobId) {
            _expectMove(jobId, before == OrangeMarket.JobState.Accepted, OrangeMarket.JobState.Running, "startJob");
            _expectCaller(caller, market.getJob(jobId).provider, "startJob");
            _succeeded(this.startJob.selector);
        } catch {}
    }

    function completeJob(uint256 actorSeed, uint256 jobSeed, int32 exitCode, uint8 flags) external {
        (bool exists, uint256 jobId) = _pickJob(jobSeed);
        if (!exists) return;
        address caller = _providerOrRandom(jobId, actorSeed);
        OrangeMarket.JobState before = _stateOf(jobId);
        vm.prank(caller);
        try market.completeJob(jobId, "bafyresult", exitCode, flags % 8) {
            _expectMove(jobId, before == OrangeMarket.JobState.Running, OrangeMarket.JobState.Completed, "completeJob");
            _expectCaller(caller, market.getJob(jobId).provider, "completeJob");
            _succeeded(this.completeJob.selector);
        } catch {}
    }

    function failJob(uint256 actorSeed, uint256 jobSeed) external {
        (bool exists, uint256 jobId) = _pickJob(jobSeed);
        if (!exists) return;
        address caller = _providerOrRandom(jobId, actorSeed);
        OrangeMarket.JobState before = _stateOf(jobId);
        vm.prank(caller);
        try market.failJob(jobId, "failed", "") {
            _expectMove(
                jobId,
                before == OrangeMarket.JobState.Accepted || before == OrangeMarket.JobState.Running,
                OrangeMarket.JobState.Failed,
                "failJob"
            );
            _expectCaller(caller, market.getJob(jobId).provider, "failJob");
            _succeeded(this.failJob.selector);
        } catch {}
    }

    function cancelJob(uint256 actorSeed, uint256 jobSeed) external {
        (bool exists, uint256 jobId) = _pickJob(jobSeed);
        if (!exists) return;
        address caller = _requesterOrRandom(jobId, actorSeed);
        OrangeMarket.JobState before = _stateOf(jobId);
        vm.prank(caller);
        try market.cancelJob(jobId) {
            _expectMove(
                jobId,
                before == OrangeMarket.JobState.Posted || before == OrangeMarket.JobState.Accepted
                    || before == OrangeMarket.JobState.Running,
                OrangeMarket.JobState.Cancelled,
                "cancelJob"
            );
            _expectCaller(caller, market.getJob(jobId).requester, "cancelJob");
            _succeeded(this.cancelJob.selector);
        } catch {}
    }

    function expireJob(uint256 actorSeed, uint256 jobSeed) external {
        (bool exists, uint256 jobId) = _pickJob(jobSeed);
        if (!exists) return;
        OrangeMarket.JobState before = _stateOf(jobId);
        vm.prank(address(uint160(actorSeed)));
        try market.expireJob(jobId) {
            bool open = before == OrangeMarket.JobState.Posted || before == OrangeMarket.JobState.Accepted
                || before == OrangeMarket.JobState.Running;
            _expectMove(jobId, open, OrangeMarket.JobState.Expired, "expireJob");
            _succeeded(this.expireJob.selector);
        } catch {}
    }

    function warp(uint256 seconds_) external {
        // Mostly short steps, so that jobs progress; sometimes long ones, so that deadlines pass.
        uint256 step = seconds_ % 8 == 0 ? bound(seconds_, 1, 3 hours) : bound(seconds_, 1, 2 minutes);
        vm.warp(block.timestamp + step);
        _observe();
    }

    // ------------------------------------------------------------ ghost bookkeeping

    function _offer(uint32 cores, uint32 memoryMb, uint96 price)
        private
        pure
        returns (OrangeMarket.ProviderOffer memory)
    {
        return OrangeMarket.ProviderOffer({
            cores: cores,
            memoryMb: memoryMb,
            pricePerCoreSecond: price,
            umbralPublicKey: hex"02aa",
            runtimes: "python3",
            endpoint: "",
            ipfsPeers: ""
        });
    }

    function _succeeded(bytes4 selector) private {
        successes[selector] += 1;
        _observe();
    }

    /// @dev Compares every job with its snapshot; records the first illegal change.
    function _observe() private {
        uint256 count = market.jobCount();
        for (uint256 jobId = 1; jobId <= count; jobId++) {
            OrangeMarket.Job memory job = market.getJob(jobId);
            OrangeMarket.JobState before = ghostState[jobId];
            if (!_legal(before, job.state)) _violation("illegal state transition");
            if (before != job.state && before != OrangeMarket.JobState.None) {
                // Cancel is the requester's own withdrawal and has no deadline; expiry needs a
                // passed deadline; every other move must happen by the deadline.
                bool expired = job.state == OrangeMarket.JobState.Expired;
                if (expired && block.timestamp <= ghostDeadline[jobId]) _violation("expired before its deadline");
                if (!expired && job.state != OrangeMarket.JobState.Cancelled && block.timestamp > ghostDeadline[jobId])
                {
                    _violation("moved after its deadline");
                }
            }
            if (job.requester != ghostRequester[jobId]) _violation("requester changed");

            if (job.state == OrangeMarket.JobState.Posted && job.pricePerCoreSecond != ghostCeiling[jobId]) {
                _violation("ceiling changed while posted");
            }
            if (before == OrangeMarket.JobState.Posted && job.state == OrangeMarket.JobState.Accepted) {
                ghostWinner[jobId] = job.provider;
                if (job.provider == address(0)) _violation("accepted without a provider");
                if (ghostOffered[jobId] != address(0) && job.provider != ghostOffered[jobId]) {
                    _violation("offered job taken by another provider");
                }
                if (job.pricePerCoreSecond > ghostCeiling[jobId]) _violation("price above ceiling");
            }
            if (ghostWinner[jobId] != address(0)) {
                if (job.provider != ghostWinner[jobId]) _violation("provider changed after acceptance");
            } else {
                if (job.provider != ghostOffered[jobId]) _violation("provider set without acceptance");
                if (_needsAcceptance(job.state)) _violation("assigned state without an acceptance");
            }
            uint256 started = market.runStarted(jobId);
            uint256 ended = market.runEnded(jobId);
            if (started != (job.startedAt != 0 ? 1 : 0)) _violation("run-started hook count");
            bool endedRun = job.startedAt != 0 && _terminal(job.state);
            if (ended != (endedRun ? 1 : 0)) _violation("run-ended hook count");
            ghostState[jobId] = job.state;
            ghostDeadline[jobId] = job.deadline;
        }
    }

    /// @dev Forward-only edges of the state machine; staying put is always legal.
    function _legal(OrangeMarket.JobState from, OrangeMarket.JobState to) private pure returns (bool) {
        if (from == to) return true;
        if (from == OrangeMarket.JobState.None) return to == OrangeMarket.JobState.Posted;
        if (from == OrangeMarket.JobState.Posted) {
            return to == OrangeMarket.JobState.Accepted || to == OrangeMarket.JobState.Cancelled
                || to == OrangeMarket.JobState.Expired;
        }
        if (from == OrangeMarket.JobState.Accepted) {
            return to == OrangeMarket.JobState.Running || to == OrangeMarket.JobState.Failed
                || to == OrangeMarket.JobState.Expired || to == OrangeMarket.JobState.Cancelled;
        }
        if (from == OrangeMarket.JobState.Running) {
            return to == OrangeMarket.JobState.Completed || to == OrangeMarket.JobState.Failed
                || to == OrangeMarket.JobState.Expired || to == OrangeMarket.JobState.Cancelled;
        }
        return false; // terminal states never change
    }

    function _needsAcceptance(OrangeMarket.JobState state) private pure returns (bool) {
        return state == OrangeMarket.JobState.Accepted || state == OrangeMarket.JobState.Running
            || state == OrangeMarket.JobState.Completed || state == OrangeMarket.JobState.Failed;
    }

    function _terminal(OrangeMarket.JobState state) private pure returns (bool) {
        return uint8(state) >= uint8(OrangeMarket.JobState.Completed);
    }

    function _stateOf(uint256 jobId) private view returns (OrangeMarket.JobState) {
        return market.getJob(jobId).state;
    }

    /// @dev A successful call must have started in a state that allows it and reached its target.
    function _expectMove(uint256 jobId, bool fromAllowed, OrangeMarket.JobState to, string memory what) private {
        if (!fromAllowed) _violation(string.concat(what, ": succeeded from a wrong state"));
        if (_stateOf(jobId) != to) _violation(string.concat(what, ": did not reach its state"));
    }

    function _expectCaller(address caller, address allowed, string memory what) private {
        if (caller != allowed) _violation(string.concat(what, ": succeeded for an unauthorised caller"));
    }

    function _violation(string memory what) private {
        if (violations == 0) firstViolation = what;
        violations += 1;
    }

    function _pickJob(uint256 seed) private view returns (bool exists, uint256 jobId) {
        uint256 count = market.jobCount();
        if (count == 0) return (false, 0);
        return (true, bound(seed, 1, count));
    }

    /// @dev Mostly the right caller, so the machine makes progress; sometimes anyone, to probe permissions.
    function _providerOrRandom(uint256 jobId, uint256 seed) private view returns (address) {
        return seed % 4 == 0 ? address(uint160(seed)) : market.getJob(jobId).provider;
    }

    function _requesterOrRandom(uint256 jobId, uint256 seed) private view returns (address) {
        return seed % 4 == 0 ? address(uint160(seed)) : market.getJob(jobId).requester;
    }
}
