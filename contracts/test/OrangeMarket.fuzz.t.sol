// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../src/OrangeMarket.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {CompactSig} from "./utils/CompactSig.sol";

/// @dev Fuzzed offers (fields, tampering, signatures, expiry, requesters) and fuzzed timing of
/// every transition: exactly one of the provider's action and expireJob works at any time.
contract OrangeMarketFuzzTest is MarketFixture {
    uint256 private constant CURVE_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function _fuzzedOffer(uint32 cores, uint32 memoryMb, uint32 maxTimeout, uint96 price, uint64 ttl, uint64 nonce)
        internal
        view
        returns (OrangeMarket.Offer memory offer)
    {
        offer = OrangeMarket.Offer({
            provider: provider,
            requester: requester,
            runtime: "python3",
            cores: uint32(bound(cores, 1, type(uint32).max)),
            memoryMb: memoryMb,
            maxTimeoutSec: uint32(bound(maxTimeout, 1, type(uint32).max)),
            pricePerCoreSecond: price,
            jobPublicKey: JOB_KEY,
            expiresAt: uint64(block.timestamp + bound(ttl, 0, 365 days)),
            nonce: nonce
        });
        // Keep cores x price within what a flow can carry (the RateTooHigh case has its own test).
        uint256 maxPrice = market.MAX_RATE() / offer.cores;
        // forge-lint: disable-next-line(unsafe-typecast)
        offer.pricePerCoreSecond = uint96(bound(price, 0, maxPrice));
    }

    function testFuzz_anySignedOfferHiresOnceOnItsTerms(
        uint32 cores,
        uint32 memoryMb,
        uint32 maxTimeout,
        uint96 price,
        uint64 ttl,
        uint64 nonce,
        uint32 timeoutSec
    ) public {
        OrangeMarket.Offer memory offer = _fuzzedOffer(cores, memoryMb, maxTimeout, price, ttl, nonce);
        uint32 max = offer.maxTimeoutSec < market.MAX_TIMEOUT_SEC() ? offer.maxTimeoutSec : market.MAX_TIMEOUT_SEC();
        timeoutSec = uint32(bound(timeoutSec, 1, max));
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(requester);
        uint256 jobId = market.hireJob(offer, signature.r, signature.vs, _request(timeoutSec), KFRAG);

        OrangeMarket.JobView memory job = market.getJob(jobId);
        vm.assertEq(job.provider, provider, "bound provider");
        vm.assertEq(job.requester, requester, "requester");
        vm.assertEq(job.rate, uint256(offer.cores) * offer.pricePerCoreSecond, "rate");
        vm.assertEq(job.timeoutSec, timeoutSec, "timeout");
        vm.assertTrue(market.offerNonceUsed(provider, nonce), "nonce used");
        vm.assertEq(jobId, market.jobIdOf(provider, nonce), "the id is the provider's index and the nonce");
        vm.assertEq(uint64(jobId), nonce, "the nonce in the low 64 bits");

        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.OfferNonceUsed.selector, provider, nonce));
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(timeoutSec), KFRAG);
    }

    function testFuzz_anyTamperedTermFailsTheSignature(uint256 field, uint256 value, uint64 nonce) public {
        OrangeMarket.Offer memory offer = _fuzzedOffer(2, 1024, 3600, 10, 60, nonce);
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        field = bound(field, 0, 8);
        // Each change keeps the checks before the signature's passing (the later ones, of timeout and
        // rate, come after it), so only the signature can refuse it.
        if (field == 0) offer.requester = address(0);
        if (field == 1) offer.runtime = string(abi.encodePacked("python", bytes32(value)));
        if (field == 2) offer.cores ^= uint32(bound(value, 1, type(uint32).max));
        if (field == 3) offer.memoryMb ^= uint32(bound(value, 1, type(uint32).max));
        if (field == 4) offer.maxTimeoutSec ^= uint32(bound(value, 1, type(uint32).max));
        if (field == 5) offer.pricePerCoreSecond ^= uint96(bound(value, 1, type(uint96).max));
        if (field == 6) offer.jobPublicKey[bound(value, 1, 32)] ^= 0x01;
        if (field == 7) offer.expiresAt += uint64(bound(value, 1, 365 days));
        if (field == 8) offer.nonce = nonce ^ uint64(bound(value, 1, type(uint64).max));
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.InvalidOfferSignature.selector, provider, offer.nonce));
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(600), KFRAG);
    }

    function testFuzz_randomSignatureWordsNeverHire(bytes32 r, bytes32 vs) public {
        OrangeMarket.Offer memory offer = _offer();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.InvalidOfferSignature.selector, provider, offer.nonce));
        vm.prank(requester);
        market.hireJob(offer, r, vs, _request(600), KFRAG);
    }

    function testFuzz_anyOtherKeysSignatureFails(uint256 key) public {
        key = bound(key, 1, CURVE_ORDER - 1);
        vm.assume(key != PROVIDER_KEY);
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(key, offer);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.InvalidOfferSignature.selector, provider, offer.nonce));
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(600), KFRAG);
    }

    function testFuzz_anOfferHiresExactlyUntilItExpires(uint256 ttl, uint256 wait) public {
        OrangeMarket.Offer memory offer = _fuzzedOffer(2, 1024, 3600, 10, uint64(bound(ttl, 0, 1 days)), 1);
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.warp(block.timestamp + bound(wait, 0, 2 days));
        if (block.timestamp > offer.expiresAt) {
            vm.expectRevert(
                abi.encodeWithSelector(OrangeMarket.OfferExpired.selector, provider, offer.nonce, offer.expiresAt)
            );
        }
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(600), KFRAG);
    }

    function testFuzz_onlyTheNamedRequesterHires(address named, address caller) public {
        OrangeMarket.Offer memory offer = _offer();
        offer.requester = named;
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        if (named != address(0) && named != caller) {
            vm.expectRevert(
                abi.encodeWithSelector(OrangeMarket.OfferNotForRequester.selector, provider, offer.nonce, named)
            );
        }
        vm.prank(caller);
        market.hireJob(offer, signature.r, signature.vs, _request(600), KFRAG);
    }

    function testFuzz_onlyTheBoundProviderMovesTheJob(address caller) public {
        vm.assume(caller != provider);
        uint256 jobId = _accepted();
        bytes memory notProvider = abi.encodeWithSelector(OrangeMarket.NotProvider.selector, jobId);
        vm.startPrank(caller);
        vm.expectRevert(notProvider);
        market.startJob(jobId);
        vm.expectRevert(notProvider);
        market.failJob(jobId, "no", "");
        vm.stopPrank();
        vm.prank(provider);
        market.startJob(jobId);
        vm.warp(block.timestamp + 5);
        vm.startPrank(caller);
        vm.expectRevert(notProvider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.expectRevert(notProvider);
        market.failJob(jobId, "no", "");
        vm.stopPrank();
    }

    function testFuzz_onlyTheRequesterCancels(address caller) public {
        vm.assume(caller != requester);
        uint256 jobId = _accepted();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotRequester.selector, jobId));
        vm.prank(caller);
        market.cancelJob(jobId);
    }

    /// @dev At any time after the hire exactly one of startJob and expireJob works.
    function testFuzz_acceptedHasExactlyOneWayOn(uint256 wait, address anyone) public {
        uint256 jobId = _accepted();
        vm.warp(block.timestamp + bound(wait, 0, 2 * START_WINDOW));
        uint40 startBy = market.getJob(jobId).deadline;
        if (block.timestamp <= startBy) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, startBy));
            vm.prank(anyone);
            market.expireJob(jobId);
            vm.prank(provider);
            market.startJob(jobId);
        } else {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, startBy));
            vm.prank(provider);
            market.startJob(jobId);
            vm.prank(anyone);
            market.expireJob(jobId);
        }
    }

    /// @dev While running: nothing in the start second (TooSoon, TooEarly), then exactly one of
    /// completeJob and expireJob.
    function testFuzz_runningHasExactlyOneWayOut(uint256 wait, address anyone) public {
        uint256 jobId = _running();
        uint256 startedAt = block.timestamp;
        vm.warp(block.timestamp + bound(wait, 0, 2 * (TIMEOUT + GRACE)));
        uint40 runBy = market.getJob(jobId).deadline;
        if (block.timestamp == startedAt) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooSoon.selector, jobId, uint40(startedAt + 1)));
            vm.prank(provider);
            market.completeJob(jobId, "bafyresult", 0, 0);
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, runBy));
            vm.prank(anyone);
            market.expireJob(jobId);
        } else if (block.timestamp <= runBy) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, runBy));
            vm.prank(anyone);
            market.expireJob(jobId);
            vm.prank(provider);
            market.completeJob(jobId, "bafyresult", 0, 0);
            vm.assertEq(market.getJob(jobId).startedAt, startedAt, "startedAt");
        } else {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, runBy));
            vm.prank(provider);
            market.completeJob(jobId, "bafyresult", 0, 0);
            vm.prank(anyone);
            market.expireJob(jobId);
        }
    }

    function testFuzz_startedAtIsDerivedExactly(uint256 hireWait, uint32 timeoutSec, uint256 runWait) public {
        OrangeMarket.Offer memory offer = _offer();
        offer.maxTimeoutSec = market.MAX_TIMEOUT_SEC();
        timeoutSec = uint32(bound(timeoutSec, 1, offer.maxTimeoutSec));
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(requester);
        uint256 jobId = market.hireJob(offer, signature.r, signature.vs, _request(timeoutSec), KFRAG);
        vm.warp(block.timestamp + bound(hireWait, 0, START_WINDOW));
        uint256 startedAt = block.timestamp;
        vm.prank(provider);
        market.startJob(jobId);
        vm.warp(block.timestamp + bound(runWait, 1, uint256(timeoutSec) + GRACE));
        vm.prank(provider);
        market.failJob(jobId, "crash", "");
        OrangeMarket.JobView memory job = market.getJob(jobId);
        vm.assertEq(job.startedAt, startedAt, "startedAt");
        vm.assertEq(job.deadline, startedAt + timeoutSec + GRACE, "runBy kept");
    }
}
