// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {HookRecordingMarket} from "../utils/HookRecordingMarket.sol";
import {TestBase} from "../utils/TestBase.sol";
import {compactSig} from "../utils/CompactSig.sol";

/// @dev Drives the market with random calls from random accounts (three requesters, three provider
/// keys, strangers) and random offers (forged, expired, replayed, for another requester), and
/// checks every call that succeeded against its ghost books: it came from an allowed state and an
/// authorised caller, a job is bound to the offer's signer for good, an offer's nonce hires once
/// and names its job (jobIdOf), terminal states never change, and the payment hooks fire once per
/// run. Time only moves forward.
contract MarketHandler is TestBase {
    HookRecordingMarket public immutable market;

    uint256[3] internal keys = [uint256(0xA1), 0xA2, 0xA3];
    address[3] public providers;
    address[3] public requesters = [address(0x1001), address(0x1002), address(0x1003)];
    address internal constant STRANGER = address(0x5757);
    bytes internal constant JOB_KEY = hex"02aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899";

    mapping(uint256 => OrangeMarket.JobState) public ghostState;
    mapping(uint256 => address) public ghostProvider;
    mapping(uint256 => address) public ghostRequester;
    mapping(address => mapping(uint64 => uint256)) public hiresWithNonce;
    /// @dev Every id a hire returned, in order (ids are not dense: the invariants walk this list).
    uint256[] public jobIds;
    uint256 public violations;
    string public firstViolation;
    mapping(bytes4 => uint256) public successes;

    constructor(HookRecordingMarket market_) {
        market = market_;
        for (uint256 i = 0; i < 3; i++) {
            providers[i] = vm.addr(keys[i]);
            if (i < 2) _register(i);
        }
    }

    // ------------------------------------------------------------ actions

    function registerProvider(uint256 who) external {
        _register(bound(who, 0, 2));
    }

    function deactivateProvider(uint256 who) external {
        vm.prank(providers[bound(who, 0, 2)]);
        try market.deactivateProvider() {} catch {}
    }

    /// @dev mode 0: a good offer; 1: forged (another key signs); 2: expired; 3: for another
    /// requester; 4: a nonce already used; 5: tampered after signing; 6: signed for another chain.
    function hireJob(uint256 providerSeed, uint256 requesterSeed, uint256 mode, uint64 nonce, uint32 timeoutSec)
        external
    {
        address requester = requesters[bound(requesterSeed, 0, 2)];
        mode = bound(mode, 0, 6);
        (uint256 p, uint64 n) = mode == 4 ? _aUsedNonce(providerSeed, nonce) : (bound(providerSeed, 0, 2), nonce);
        nonce = uint64(bound(n, 0, 40)); // a small range, so that replays also happen by chance
        OrangeMarket.Offer memory offer = OrangeMarket.Offer({
            provider: providers[p],
            requester: mode == 3 ? STRANGER : (nonce % 2 == 0 ? requester : address(0)),
            runtime: "python3",
            cores: 2,
            memoryMb: 1024,
            maxTimeoutSec: 3600,
            pricePerCoreSecond: uint96(nonce % 3),
            jobPublicKey: JOB_KEY,
            expiresAt: uint64(mode == 2 ? block.timestamp - 1 : block.timestamp + 60),
            nonce: nonce
        });
        (bytes32 r, bytes32 vs) = _sign(offer, mode == 1 ? keys[(p + 1) % 3] : keys[p], mode == 6);
        if (mode == 5) offer.pricePerCoreSecond += 1;
        // The handler's own record, not the market's view: a market that forgot to mark a nonce
        // would also report it unused.
        bool usedBefore = hiresWithNonce[offer.provider][nonce] != 0;
        if (usedBefore != market.offerNonceUsed(offer.provider, nonce)) _violate("offerNonceUsed is wrong");
        (,,, bool active,) = market.providers(offer.provider);
        OrangeMarket.JobRequest memory req = OrangeMarket.JobRequest({
            name: "job", timeoutSec: uint32(bound(timeoutSec, 1, 3600)), manifestCid: "bafymanifest"
        });
        vm.prank(requester);
        try market.hireJob(offer, r, vs, req, hex"c0ffee") returns (uint256 jobId) {
            if (mode != 0 && mode != 4) _violate("a bad offer hired");
            if (usedBefore) _violate("a used nonce hired again");
            if (!active) _violate("an inactive provider was hired");
            if (ghostState[jobId] != OrangeMarket.JobState.None) _violate("a hire reused a job's id");
            if (jobId != market.jobIdOf(offer.provider, nonce)) _violate("the id is not jobIdOf(provider, nonce)");
            hiresWithNonce[offer.provider][nonce]++;
            jobIds.push(jobId);
            ghostState[jobId] = OrangeMarket.JobState.Accepted;
            ghostProvider[jobId] = offer.provider;
            ghostRequester[jobId] = requester;
            if (market.getJob(jobId).provider != offer.provider) _violate("bound to someone else");
            successes[this.hireJob.selector]++;
        } catch {
            if (mode == 0 && !usedBefore && active) _violate("a good offer was refused");
        }
    }

    function startJob(uint256 jobSeed, uint256 callerSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        address caller = _caller(jobId, callerSeed);
        OrangeMarket.JobState before = ghostState[jobId];
        uint40 deadline = market.getJob(jobId).deadline;
        vm.prank(caller);
        try market.startJob(jobId) {
            if (caller != ghostProvider[jobId]) _violate("start by another than the provider");
            if (before != OrangeMarket.JobState.Accepted) _violate("start from a wrong state");
            if (block.timestamp > deadline) _violate("start after startBy");
            ghostState[jobId] = OrangeMarket.JobState.Running;
            successes[this.startJob.selector]++;
        } catch {}
        _checkHooks(jobId);
    }

    function completeJob(uint256 jobSeed, uint256 callerSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        address caller = _caller(jobId, callerSeed);
        _exit(jobId, caller, abi.encodeCall(market.completeJob, (jobId, "bafyresult", 0, 0)), true, false);
    }

    function failJob(uint256 jobSeed, uint256 callerSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        address caller = _caller(jobId, callerSeed);
        _exit(jobId, caller, abi.encodeCall(market.failJob, (jobId, "crash", "")), true, true);
    }

    function cancelJob(uint256 jobSeed, uint256 callerSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        address caller = _caller(jobId, callerSeed);
        OrangeMarket.JobState before = ghostState[jobId];
        OrangeMarket.JobView memory job = market.getJob(jobId);
        vm.prank(caller);
        try market.cancelJob(jobId) {
            if (caller != ghostRequester[jobId]) _violate("cancel by another than the requester");
            if (before != OrangeMarket.JobState.Accepted && before != OrangeMarket.JobState.Running) {
                _violate("cancel from a wrong state");
            }
            if (before == OrangeMarket.JobState.Running && block.timestamp <= job.startedAt) {
                _violate("a run ended in its start second");
            }
            ghostState[jobId] = OrangeMarket.JobState.Cancelled;
            successes[this.cancelJob.selector]++;
        } catch {}
        _checkHooks(jobId);
    }

    function expireJob(uint256 jobSeed, uint256 callerSeed) external {
        (bool any, uint256 jobId) = _pick(jobSeed);
        if (!any) return;
        address caller = _caller(jobId, callerSeed);
        OrangeMarket.JobState before = ghostState[jobId];
        uint40 deadline = market.getJob(jobId).deadline;
        vm.prank(caller);
        try market.expireJob(jobId) {
            if (before != OrangeMarket.JobState.Accepted && before != OrangeMarket.JobState.Running) {
                _violate("expire from a wrong state");
            }
            if (block.timestamp <= deadline) _violate("expire before the deadline");
            ghostState[jobId] = OrangeMarket.JobState.Expired;
            successes[this.expireJob.selector]++;
        } catch {}
        _checkHooks(jobId);
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 1, 1 hours));
    }

    // ------------------------------------------------------------ internals

    function _exit(uint256 jobId, address caller, bytes memory call, bool fromRunning, bool fromAccepted) private {
        OrangeMarket.JobState before = ghostState[jobId];
        OrangeMarket.JobView memory job = market.getJob(jobId);
        vm.prank(caller);
        (bool ok,) = address(market).call(call);
        if (ok) {
            if (caller != ghostProvider[jobId]) _violate("an exit by another than the provider");
            bool allowed = (fromRunning && before == OrangeMarket.JobState.Running)
                || (fromAccepted && before == OrangeMarket.JobState.Accepted);
            if (!allowed) _violate("an exit from a wrong state");
            if (block.timestamp > job.deadline) _violate("an exit after the deadline");
            if (before == OrangeMarket.JobState.Running && block.timestamp <= job.startedAt) {
                _violate("a run ended in its start second");
            }
            ghostState[jobId] = bytes4(call) == market.failJob.selector
                ? OrangeMarket.JobState.Failed
                : OrangeMarket.JobState.Completed;
            successes[bytes4(call)]++;
        }
        _checkHooks(jobId);
    }

    /// @dev Hooks: started once from Running on, ended once after a run's exit, never for jobs that did not run.
    function _checkHooks(uint256 jobId) private {
        OrangeMarket.JobView memory job = market.getJob(jobId);
        if (uint256(job.state) != uint256(ghostState[jobId])) _violate("chain and ghost state differ");
        uint256 started = market.runStarted(jobId);
        uint256 ended = market.runEnded(jobId);
        if (started > 1 || ended > started) _violate("a payment hook fired twice or out of order");
        bool ran = job.startedAt != 0;
        if (ran != (started == 1)) _violate("runStarted does not match the run");
        bool over = uint8(job.state) >= uint8(OrangeMarket.JobState.Completed);
        if (ran && over != (ended == 1)) _violate("runEnded does not match the run's end");
    }

    /// @dev The provider and nonce of a job hired before (the seeds as they are when none was): a
    /// replay to try.
    function _aUsedNonce(uint256 providerSeed, uint64 nonceSeed) private view returns (uint256 p, uint64 nonce) {
        if (jobIds.length == 0) return (bound(providerSeed, 0, 2), nonceSeed);
        uint256 jobId = jobIds[nonceSeed % jobIds.length];
        while (providers[p] != ghostProvider[jobId]) p++;
        // forge-lint: disable-next-line(unsafe-typecast) (the nonce is the id's low 64 bits)
        nonce = uint64(jobId);
    }

    /// @dev The offer signed with `key` (for another chain when `otherChain`), in hireJob's form.
    function _sign(OrangeMarket.Offer memory offer, uint256 key, bool otherChain)
        private
        returns (bytes32 r, bytes32 vs)
    {
        uint256 chainId = block.chainid;
        if (otherChain) vm.chainId(chainId + 1);
        (uint8 v, bytes32 r_, bytes32 s) = vm.sign(key, market.offerDigest(offer));
        if (otherChain) vm.chainId(chainId);
        return (r_, compactSig(v, r_, s).vs);
    }

    function _register(uint256 i) private {
        vm.prank(providers[i]);
        market.registerProvider(
            OrangeMarket.ProviderRegistration({
                cores: 4, memoryMb: 4096, pricePerCoreSecond: 1, runtimes: "python3", endpoint: "", ipfsPeers: ""
            })
        );
    }

    /// @dev Mostly the job's own actors, sometimes anyone else.
    function _caller(uint256 jobId, uint256 seed) private view returns (address) {
        uint256 pick = seed % 5;
        if (pick == 0) return ghostProvider[jobId];
        if (pick == 1) return ghostRequester[jobId];
        if (pick == 2) return providers[(seed / 5) % 3];
        if (pick == 3) return requesters[(seed / 5) % 3];
        return pick == 4 && seed % 2 == 0 ? STRANGER : ghostProvider[jobId];
    }

    function jobCount() external view returns (uint256) {
        return jobIds.length;
    }

    function _pick(uint256 seed) private view returns (bool any, uint256 jobId) {
        uint256 count = jobIds.length;
        if (count == 0) return (false, 0);
        return (true, jobIds[seed % count]);
    }

    function _violate(string memory what) private {
        if (violations == 0) firstViolation = what;
        violations++;
    }
}
