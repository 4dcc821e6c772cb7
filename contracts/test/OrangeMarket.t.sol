// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../src/OrangeMarket.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {CompactSig, compactSig} from "./utils/CompactSig.sol";
import {RecoverHarness} from "./utils/RecoverHarness.sol";

/// @dev One test per behaviour of every function and one per revert path.
contract OrangeMarketTest is MarketFixture {
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    uint256 private constant HALF_CURVE_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    // ------------------------------------------------------------ constructor

    function test_constructor_setsWindows() public view {
        vm.assertEq(market.START_WINDOW_SEC(), START_WINDOW, "start window");
        vm.assertEq(market.GRACE_SEC(), GRACE, "grace");
    }

    function test_constructor_rejectsZeroStartWindow() public {
        vm.expectRevert(_invalid("startWindowSec"));
        new OrangeMarket(0, GRACE);
    }

    function test_constructor_rejectsStartWindowAboveMax() public {
        uint32 max = market.MAX_START_WINDOW_SEC();
        vm.expectRevert(_invalid("startWindowSec"));
        new OrangeMarket(max + 1, GRACE);
    }

    function test_constructor_rejectsGraceAboveMax() public {
        uint32 max = market.MAX_GRACE_SEC();
        vm.expectRevert(_invalid("graceSec"));
        new OrangeMarket(START_WINDOW, max + 1);
    }

    function test_constructor_acceptsZeroGrace() public {
        OrangeMarket noGrace = new OrangeMarket(START_WINDOW, 0);
        vm.assertEq(noGrace.GRACE_SEC(), 0, "grace");
    }

    // ------------------------------------------------------------ EIP-712

    function test_domainSeparator_isEip712OfNameVersionChainAndMarket() public view {
        bytes32 expected = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("OrangeMarket"), keccak256("2"), block.chainid, address(market))
        );
        vm.assertEq(market.DOMAIN_SEPARATOR(), expected, "domain separator");
    }

    function test_domainSeparator_followsTheChainId() public {
        bytes32 before = market.DOMAIN_SEPARATOR();
        vm.chainId(block.chainid + 1);
        bytes32 expected = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("OrangeMarket"), keccak256("2"), block.chainid, address(market))
        );
        vm.assertEq(market.DOMAIN_SEPARATOR(), expected, "recomputed for the new chain");
        vm.assertTrue(before != expected, "differs from the old chain's");
    }

    function test_offerTypehash_isTheSpecsType() public view {
        vm.assertEq(
            market.OFFER_TYPEHASH(),
            keccak256(
                "Offer(address provider,address requester,string runtime,uint32 cores,uint32 memoryMb,uint32 maxTimeoutSec,uint96 pricePerCoreSecond,bytes jobPublicKey,uint64 expiresAt,uint64 nonce)"
            ),
            "typehash"
        );
    }

    function test_offerDigest_isEip712OfTheOffer() public {
        OrangeMarket.Offer memory offer = _offer();
        bytes32 structHash = keccak256(
            bytes.concat(
                abi.encode(
                    market.OFFER_TYPEHASH(),
                    offer.provider,
                    offer.requester,
                    keccak256(bytes(offer.runtime)),
                    offer.cores,
                    offer.memoryMb
                ),
                abi.encode(
                    offer.maxTimeoutSec,
                    offer.pricePerCoreSecond,
                    keccak256(offer.jobPublicKey),
                    offer.expiresAt,
                    offer.nonce
                )
            )
        );
        bytes32 expected = keccak256(abi.encodePacked(hex"1901", market.DOMAIN_SEPARATOR(), structHash));
        vm.assertEq(market.offerDigest(offer), expected, "digest");
    }

    /// @dev Signed by the SDK (sdk/src/market/offer.ts `signOffer`, viem's signTypedData) with the
    /// provider's key for chain 31337 and this fixture's market address: the two sides agree.
    function test_hireJob_acceptsAnOfferSignedByTheSdk() public {
        vm.assertEq(address(market), 0x5615dEB798BB3E4dFa0139dFa1b3D433Cc23b72f, "the market the SDK signed for");
        vm.assertEq(block.chainid, 31337, "the chain the SDK signed for");
        OrangeMarket.Offer memory offer = OrangeMarket.Offer({
            provider: 0x0376AAc07Ad725E01357B1725B5ceC61aE10473c,
            requester: requester,
            runtime: "python3",
            cores: 2,
            memoryMb: 1024,
            maxTimeoutSec: 3600,
            pricePerCoreSecond: 10,
            jobPublicKey: JOB_KEY,
            expiresAt: 1_700_000_060,
            nonce: 7
        });
        vm.assertEq(offer.provider, provider, "the provider's key signed it");
        // The SDK's 65-byte signature 0x06b3…1c8a 14ee…b89f 1b, in the compact form its hireJob
        // sends (sdk/src/market/offer.unit.test.ts has the same vector).
        CompactSig memory signature = CompactSig(
            0x06b38f10699539c5de2f470172322c8788d4d89972fccddbb81ec28371f71c8a,
            0x14ee5c29a42a7e2d2f4d7e0b047cc2352ba6a998a1625cb6c8710250b8dbb89f
        );
        vm.prank(requester);
        uint256 jobId = market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
        vm.assertEq(market.getJob(jobId).provider, provider, "bound");
        vm.assertEq(jobId, (uint256(1) << 64) | 7, "the provider's index above the nonce");
    }

    // ------------------------------------------------------------ registerProvider

    function test_registerProvider_storesAndEmits() public {
        OrangeMarket.ProviderRegistration memory reg = _registration(8, 16384, 7);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.ProviderRegistered(stranger, 8, 16384, 7, reg.runtimes, reg.endpoint, reg.ipfsPeers);
        vm.prank(stranger);
        market.registerProvider(reg);

        (uint32 cores, uint32 memoryMb, uint96 price, bool active, uint32 index) = market.providers(stranger);
        vm.assertEq(cores, 8, "cores");
        vm.assertEq(memoryMb, 16384, "memory");
        vm.assertEq(price, 7, "price");
        vm.assertTrue(active, "active");
        vm.assertEq(index, 3, "the third provider registered");
    }

    function test_registerProvider_updatesAndReactivates() public {
        vm.prank(provider);
        market.deactivateProvider();
        _register(provider, 2, 2048, 3);
        (uint32 cores, uint32 memoryMb, uint96 price, bool active, uint32 index) = market.providers(provider);
        vm.assertEq(cores, 2, "cores");
        vm.assertEq(memoryMb, 2048, "memory");
        vm.assertEq(price, 3, "price");
        vm.assertTrue(active, "reactivated");
        vm.assertEq(index, 1, "keeps its index");
    }

    function test_registerProvider_rejectsZeroCores() public {
        vm.expectRevert(_invalid("cores"));
        vm.prank(stranger);
        market.registerProvider(_registration(0, 1024, 1));
    }

    function test_registerProvider_rejectsZeroMemory() public {
        vm.expectRevert(_invalid("memoryMb"));
        vm.prank(stranger);
        market.registerProvider(_registration(1, 0, 1));
    }

    function test_providers_unknownIsInactiveZero() public view {
        (uint32 cores,,, bool active,) = market.providers(stranger);
        vm.assertEq(cores, 0, "cores");
        vm.assertFalse(active, "inactive");
    }

    // ------------------------------------------------------------ deactivateProvider

    function test_deactivateProvider_clearsActiveAndEmits() public {
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.ProviderDeactivated(provider);
        vm.prank(provider);
        market.deactivateProvider();
        (,,, bool active,) = market.providers(provider);
        vm.assertFalse(active, "inactive");
    }

    function test_deactivateProvider_rejectsUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, stranger));
        vm.prank(stranger);
        market.deactivateProvider();
    }

    function test_deactivateProvider_rejectsTwice() public {
        vm.prank(provider);
        market.deactivateProvider();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, provider));
        vm.prank(provider);
        market.deactivateProvider();
    }

    function test_deactivateProvider_keepsHiredJobsGoing() public {
        uint256 jobId = _accepted();
        vm.prank(provider);
        market.deactivateProvider();
        vm.prank(provider);
        market.startJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Running);
    }

    // ------------------------------------------------------------ hireJob

    function test_hireJob_storesJobAndEmits() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        uint40 startBy = uint40(T0 + START_WINDOW);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobHired(
            uint256(1) << 64, requester, provider, "python3", 2, 1024, 10, _request(TIMEOUT), startBy, KFRAG
        );
        vm.prank(requester);
        uint256 jobId = market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);

        vm.assertEq(jobId, uint256(1) << 64, "the first provider's index, nonce 0");
        OrangeMarket.JobView memory job = market.getJob(jobId);
        vm.assertEq(job.requester, requester, "requester");
        vm.assertEq(job.provider, provider, "provider bound by the offer");
        vm.assertEq(uint256(job.state), uint256(OrangeMarket.JobState.Accepted), "state");
        vm.assertEq(job.timeoutSec, TIMEOUT, "timeout");
        vm.assertEq(job.rate, 20, "rate = cores x price");
        vm.assertEq(job.deadline, startBy, "startBy");
        vm.assertEq(job.startedAt, 0, "not started");
        vm.assertTrue(market.offerNonceUsed(provider, 0), "nonce used");
    }

    function test_hireJob_idIsTheProvidersIndexAboveTheNonce() public {
        OrangeMarket.Offer memory offer = _offer();
        offer.nonce = type(uint64).max;
        vm.assertEq(_hire(offer), (uint256(1) << 64) | type(uint64).max, "index 1, the largest nonce");
        OrangeMarket.Offer memory other = _offerOf(otherProvider, 1, 1);
        other.nonce = type(uint64).max;
        vm.assertEq(_hire(other), (uint256(2) << 64) | type(uint64).max, "index 2, the same nonce, another job");
        vm.assertEq(market.jobIdOf(provider, 5), (uint256(1) << 64) | 5, "jobIdOf before the hire");
        vm.assertEq(market.jobIdOf(stranger, 5), 0, "no index, no id");
        OrangeMarket.Offer memory next = _offer();
        vm.assertEq(_hire(next), market.jobIdOf(provider, next.nonce), "jobIdOf is the hire's id");
    }

    function test_hireJob_anIdKeepsItsProviderAcrossReRegistration() public {
        uint256 before = market.jobIdOf(provider, 3);
        vm.prank(provider);
        market.deactivateProvider();
        _register(provider, 1, 512, 1);
        vm.assertEq(market.jobIdOf(provider, 3), before, "the index is kept");
    }

    function test_hireJob_openOfferTakesAnyRequester() public {
        OrangeMarket.Offer memory offer = _offer();
        offer.requester = address(0);
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(stranger);
        uint256 jobId = market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
        vm.assertEq(market.getJob(jobId).requester, stranger, "the caller is the requester");
    }

    function test_hireJob_atExpiresAtStillWorks() public {
        OrangeMarket.Offer memory offer = _offer();
        vm.warp(offer.expiresAt);
        _hire(offer);
    }

    function test_hireJob_freeOfferHasRateZero() public {
        uint256 jobId = _hire(_offerOf(provider, 4, 0));
        vm.assertEq(market.getJob(jobId).rate, 0, "free");
    }

    function test_hireJob_timeoutUpToTheOffersMax() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(requester);
        uint256 jobId = market.hireJob(offer, signature.r, signature.vs, _request(offer.maxTimeoutSec), KFRAG);
        vm.assertEq(market.getJob(jobId).timeoutSec, offer.maxTimeoutSec, "timeout");
    }

    function test_hireJob_rejectsExpiredOffer() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.warp(uint256(offer.expiresAt) + 1);
        _expectHireRevert(
            offer,
            signature,
            abi.encodeWithSelector(OrangeMarket.OfferExpired.selector, provider, offer.nonce, offer.expiresAt)
        );
    }

    function test_hireJob_rejectsOfferForAnotherRequester() public {
        OrangeMarket.Offer memory offer = _offer();
        offer.requester = stranger;
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        _expectHireRevert(
            offer,
            signature,
            abi.encodeWithSelector(OrangeMarket.OfferNotForRequester.selector, provider, offer.nonce, stranger)
        );
    }

    function test_hireJob_rejectsReplayedOffer() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
        _expectHireRevert(
            offer, signature, abi.encodeWithSelector(OrangeMarket.OfferNonceUsed.selector, provider, offer.nonce)
        );
    }

    function test_hireJob_rejectsUsedNonceInAnotherOffer() public {
        OrangeMarket.Offer memory first = _offer();
        _hire(first);
        OrangeMarket.Offer memory second = _offer();
        second.nonce = first.nonce;
        second.pricePerCoreSecond = 1;
        _expectHireRevert(
            second,
            _sign(PROVIDER_KEY, second),
            abi.encodeWithSelector(OrangeMarket.OfferNonceUsed.selector, provider, first.nonce)
        );
    }

    function test_hireJob_noncesArePerProvider() public {
        uint64[5] memory nonces = [uint64(255), 256, 0, type(uint64).max, 257];
        for (uint256 i = 0; i < nonces.length; i++) {
            OrangeMarket.Offer memory offer = _offer();
            offer.nonce = nonces[i];
            _hire(offer);
            for (uint256 j = 0; j < nonces.length; j++) {
                vm.assertEq(market.offerNonceUsed(provider, nonces[j]), j <= i, "exactly the used nonces");
            }
        }
        vm.assertFalse(market.offerNonceUsed(provider, 1), "a neighbour nonce");
        vm.assertFalse(market.offerNonceUsed(otherProvider, 255), "another provider's nonce");
        OrangeMarket.Offer memory other = _offerOf(otherProvider, 1, 1);
        other.nonce = 255;
        _hire(other);
        vm.assertTrue(market.offerNonceUsed(otherProvider, 255), "its own nonce");
        vm.assertFalse(market.offerNonceUsed(stranger, 255), "an account that never registered");
    }

    function test_hireJob_revertedHireLeavesTheNonceUnused() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(requester);
        vm.expectRevert(_invalid("kfrag"));
        market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), "");
        vm.assertFalse(market.offerNonceUsed(provider, offer.nonce), "still usable");
        _hire(offer);
    }

    function test_hireJob_rejectsForgedSignature() public {
        OrangeMarket.Offer memory offer = _offer();
        _expectBadSignature(offer, _sign(OTHER_KEY, offer));
    }

    function test_hireJob_rejectsOfferSignedForAnotherMarket() public {
        OrangeMarket other = new OrangeMarket(START_WINDOW, GRACE);
        OrangeMarket.Offer memory offer = _offer();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PROVIDER_KEY, other.offerDigest(offer));
        _expectBadSignature(offer, compactSig(v, r, s));
    }

    function test_hireJob_rejectsOfferSignedForAnotherChain() public {
        OrangeMarket.Offer memory offer = _offer();
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.chainId(chainId);
        _expectBadSignature(offer, signature);
    }

    function test_hireJob_rejectsMismatchedTerms() public {
        for (uint256 field = 0; field < 9; field++) {
            OrangeMarket.Offer memory offer = _offer();
            CompactSig memory signature = _sign(PROVIDER_KEY, offer);
            if (field == 0) offer.requester = address(0);
            if (field == 1) offer.runtime = "python3.12";
            if (field == 2) offer.cores = 1;
            if (field == 3) offer.memoryMb = 512;
            if (field == 4) offer.maxTimeoutSec = 7200;
            if (field == 5) offer.pricePerCoreSecond = 9;
            if (field == 6) offer.jobPublicKey[1] = 0x00;
            if (field == 7) offer.expiresAt += 1;
            if (field == 8) offer.nonce += 100;
            _expectBadSignature(offer, signature);
        }
    }

    function test_hireJob_rejectsOfferNamingAnotherProvider() public {
        // Signed by the provider, but the offer names the other (also registered) provider.
        OrangeMarket.Offer memory offer = _offerOf(otherProvider, 2, 10);
        _expectBadSignature(offer, _sign(PROVIDER_KEY, offer));
    }

    function test_hireJob_rejectsTheOtherParity() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        signature.vs ^= bytes32(uint256(1) << 255);
        _expectBadSignature(offer, signature);
    }

    function test_hireJob_rejectsZeroSignature() public {
        _expectBadSignature(_offer(), CompactSig(0, 0));
    }

    /// @dev A high s has no place in a compact signature of a real one (its twin's s is above 2^255
    /// but for a 2^-128 sliver), so the check is shown on the recovery itself: an s in (n/2, 2^255)
    /// that ecrecover accepts is refused.
    function test_recover_rejectsHighS() public {
        RecoverHarness harness = new RecoverHarness(START_WINDOW, GRACE);
        bytes32 digest = keccak256("an offer");
        (uint8 v, bytes32 r,) = vm.sign(PROVIDER_KEY, digest);
        bytes32 highS = bytes32(HALF_CURVE_ORDER + 1);
        vm.assertTrue(ecrecover(digest, v, r, highS) != address(0), "ecrecover takes it");
        vm.assertEq(harness.recover(digest, r, compactSig(v, r, highS).vs), address(0), "the market does not");
        vm.assertEq(
            harness.recover(digest, r, compactSig(v, r, bytes32(HALF_CURVE_ORDER)).vs),
            ecrecover(digest, v, r, bytes32(HALF_CURVE_ORDER)),
            "n/2 itself is low"
        );
    }

    function test_hireJob_rejectsUnregisteredProvider() public {
        uint256 key = 0xD0D;
        OrangeMarket.Offer memory offer = _offerOf(vm.addr(key), 1, 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.offerDigest(offer));
        _expectHireRevert(
            offer, compactSig(v, r, s), abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, vm.addr(key))
        );
    }

    function test_hireJob_rejectsDeactivatedProvider() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.prank(provider);
        market.deactivateProvider();
        _expectHireRevert(offer, signature, abi.encodeWithSelector(OrangeMarket.ProviderNotActive.selector, provider));
    }

    function test_hireJob_rejectsZeroTimeout() public {
        _expectTimeoutRevert(0, 3600);
    }

    function test_hireJob_rejectsTimeoutAboveTheOffersMax() public {
        _expectTimeoutRevert(3601, 3600);
    }

    function test_hireJob_rejectsTimeoutAboveMarketMax() public {
        OrangeMarket.Offer memory offer = _offer();
        offer.maxTimeoutSec = type(uint32).max;
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        uint32 max = market.MAX_TIMEOUT_SEC();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TimeoutNotOffered.selector, max + 1, max));
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(max + 1), KFRAG);
    }

    function test_hireJob_rejectsEmptyManifestCid() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        OrangeMarket.JobRequest memory req = _request(TIMEOUT);
        req.manifestCid = "";
        vm.expectRevert(_invalid("manifestCid"));
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, req, KFRAG);
    }

    function test_hireJob_rejectsEmptyKfrag() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.expectRevert(_invalid("kfrag"));
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), "");
    }

    function test_hireJob_rejectsJobKeyNot33Bytes() public {
        OrangeMarket.Offer memory offer = _offer();
        offer.jobPublicKey = hex"02aabb";
        _expectHireRevert(offer, _sign(PROVIDER_KEY, offer), _invalid("jobPublicKey"));
    }

    function test_hireJob_rejectsRateAboveMax() public {
        OrangeMarket.Offer memory offer = _offerOf(provider, 2, type(uint96).max);
        uint256 rate = uint256(type(uint96).max) * 2;
        _expectHireRevert(
            offer, _sign(PROVIDER_KEY, offer), abi.encodeWithSelector(OrangeMarket.RateTooHigh.selector, rate)
        );
    }

    function test_hireJob_rateAtMaxIsAccepted() public {
        uint256 max = market.MAX_RATE();
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 jobId = _hire(_offerOf(provider, 1, uint96(max)));
        vm.assertEq(market.getJob(jobId).rate, max, "rate");
    }

    // ------------------------------------------------------------ startJob

    function test_startJob_runsAndSetsRunBy() public {
        uint256 jobId = _accepted();
        vm.warp(T0 + 10);
        uint40 runBy = uint40(T0 + 10 + TIMEOUT + GRACE);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobStarted(jobId, uint40(T0 + 10), runBy);
        vm.prank(provider);
        market.startJob(jobId);

        OrangeMarket.JobView memory job = market.getJob(jobId);
        vm.assertEq(uint256(job.state), uint256(OrangeMarket.JobState.Running), "state");
        vm.assertEq(job.startedAt, T0 + 10, "startedAt");
        vm.assertEq(job.deadline, runBy, "runBy");
    }

    function test_startJob_inTheHireSecondWorks() public {
        uint256 jobId = _running();
        vm.assertEq(market.getJob(jobId).startedAt, T0, "startedAt");
    }

    function test_startJob_atStartByStillWorks() public {
        uint256 jobId = _accepted();
        vm.warp(market.getJob(jobId).deadline);
        vm.prank(provider);
        market.startJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Running);
    }

    function test_startJob_rejectsAfterStartBy() public {
        uint256 jobId = _accepted();
        uint40 startBy = market.getJob(jobId).deadline;
        vm.warp(uint256(startBy) + 1);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, startBy));
        vm.prank(provider);
        market.startJob(jobId);
    }

    function test_startJob_onlyTheBoundProvider() public {
        uint256 jobId = _accepted();
        address[3] memory others = [requester, otherProvider, stranger];
        for (uint256 i = 0; i < others.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, jobId));
            vm.prank(others[i]);
            market.startJob(jobId);
        }
    }

    function test_startJob_rejectsTwice() public {
        uint256 jobId = _running();
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Running));
        vm.prank(provider);
        market.startJob(jobId);
    }

    function test_startJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 7));
        vm.prank(provider);
        market.startJob(7);
    }

    // ------------------------------------------------------------ completeJob

    function test_completeJob_recordsResult() public {
        uint256 jobId = _running();
        vm.warp(T0 + 42);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobCompleted(jobId, "bafyresult", 3, 5, 42);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 3, 5);
        _assertState(jobId, OrangeMarket.JobState.Completed);
        vm.assertEq(market.getJob(jobId).startedAt, T0, "startedAt kept after the run");
    }

    function test_completeJob_tooSoonInTheStartSecond() public {
        uint256 jobId = _running();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooSoon.selector, jobId, uint40(T0 + 1)));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.warp(T0 + 1);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    function test_completeJob_atRunByStillWorks() public {
        uint256 jobId = _running();
        vm.warp(market.getJob(jobId).deadline);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 1);
        _assertState(jobId, OrangeMarket.JobState.Completed);
    }

    function test_completeJob_rejectsAfterRunBy() public {
        uint256 jobId = _running();
        uint40 runBy = market.getJob(jobId).deadline;
        vm.warp(uint256(runBy) + 1);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, runBy));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    function test_completeJob_onlyTheBoundProvider() public {
        uint256 jobId = _running();
        vm.warp(T0 + 5);
        address[3] memory others = [requester, otherProvider, stranger];
        for (uint256 i = 0; i < others.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, jobId));
            vm.prank(others[i]);
            market.completeJob(jobId, "bafyresult", 0, 0);
        }
    }

    function test_completeJob_rejectsAccepted() public {
        uint256 jobId = _accepted();
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Accepted));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    function test_completeJob_rejectsEmptyResultCid() public {
        uint256 jobId = _running();
        vm.warp(T0 + 5);
        vm.expectRevert(_invalid("resultCid"));
        vm.prank(provider);
        market.completeJob(jobId, "", 0, 0);
    }

    function test_completeJob_rejectsUnknownFlags() public {
        uint256 jobId = _running();
        vm.warp(T0 + 5);
        vm.expectRevert(_invalid("flags"));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 8);
    }

    function test_completeJob_rejectsTwice() public {
        uint256 jobId = _running();
        vm.warp(T0 + 5);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Completed));
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
    }

    // ------------------------------------------------------------ failJob

    function test_failJob_fromAcceptedInTheHireSecond() public {
        uint256 jobId = _accepted();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobFailed(jobId, provider, "manifest not bound to this job", "");
        vm.prank(provider);
        market.failJob(jobId, "manifest not bound to this job", "");
        _assertState(jobId, OrangeMarket.JobState.Failed);
    }

    function test_failJob_fromRunningWithPartialResult() public {
        uint256 jobId = _running();
        vm.warp(T0 + 5);
        vm.prank(provider);
        market.failJob(jobId, "crash", "bafypartial");
        _assertState(jobId, OrangeMarket.JobState.Failed);
    }

    function test_failJob_tooSoonInTheStartSecond() public {
        uint256 jobId = _running();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooSoon.selector, jobId, uint40(T0 + 1)));
        vm.prank(provider);
        market.failJob(jobId, "crash", "");
    }

    function test_failJob_rejectsCompleted() public {
        uint256 jobId = _running();
        vm.warp(T0 + 5);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Completed));
        vm.prank(provider);
        market.failJob(jobId, "late", "");
    }

    function test_failJob_onlyTheBoundProvider() public {
        uint256 jobId = _accepted();
        address[3] memory others = [requester, otherProvider, stranger];
        for (uint256 i = 0; i < others.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotProvider.selector, jobId));
            vm.prank(others[i]);
            market.failJob(jobId, "no", "");
        }
    }

    function test_failJob_rejectsEmptyReason() public {
        uint256 jobId = _accepted();
        vm.expectRevert(_invalid("reason"));
        vm.prank(provider);
        market.failJob(jobId, "", "");
    }

    function test_failJob_rejectsAfterDeadline() public {
        uint256 jobId = _accepted();
        uint40 startBy = market.getJob(jobId).deadline;
        vm.warp(uint256(startBy) + 1);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.DeadlinePassed.selector, jobId, startBy));
        vm.prank(provider);
        market.failJob(jobId, "late", "");
    }

    // ------------------------------------------------------------ cancelJob

    function test_cancelJob_cancelsAccepted() public {
        uint256 jobId = _accepted();
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobCancelled(jobId, requester);
        vm.prank(requester);
        market.cancelJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Cancelled);
    }

    function test_cancelJob_cancelsAcceptedAfterStartBy() public {
        uint256 jobId = _accepted();
        vm.warp(T0 + 1 days);
        vm.prank(requester);
        market.cancelJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Cancelled);
    }

    function test_cancelJob_cancelsRunning() public {
        uint256 jobId = _running();
        vm.warp(T0 + 1);
        vm.prank(requester);
        market.cancelJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Cancelled);
    }

    function test_cancelJob_tooSoonInTheStartSecond() public {
        uint256 jobId = _running();
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooSoon.selector, jobId, uint40(T0 + 1)));
        vm.prank(requester);
        market.cancelJob(jobId);
    }

    function test_cancelJob_rejectsNonRequester() public {
        uint256 jobId = _accepted();
        address[2] memory others = [provider, stranger];
        for (uint256 i = 0; i < others.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(OrangeMarket.NotRequester.selector, jobId));
            vm.prank(others[i]);
            market.cancelJob(jobId);
        }
    }

    function test_cancelJob_rejectsCompleted() public {
        uint256 jobId = _running();
        vm.warp(T0 + 5);
        vm.prank(provider);
        market.completeJob(jobId, "bafyresult", 0, 0);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Completed));
        vm.prank(requester);
        market.cancelJob(jobId);
    }

    function test_cancelJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 3));
        vm.prank(requester);
        market.cancelJob(3);
    }

    // ------------------------------------------------------------ expireJob

    function test_expireJob_acceptedAfterStartBy() public {
        uint256 jobId = _accepted();
        vm.warp(T0 + START_WINDOW + 1);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobExpired(jobId, OrangeMarket.JobState.Accepted);
        vm.prank(stranger);
        market.expireJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Expired);
        vm.assertEq(market.getJob(jobId).startedAt, 0, "never ran");
    }

    function test_expireJob_runningAfterRunBy() public {
        uint256 jobId = _running();
        vm.warp(uint256(market.getJob(jobId).deadline) + 1);
        vm.expectEmit(true, true, true, true, address(market));
        emit OrangeMarket.JobExpired(jobId, OrangeMarket.JobState.Running);
        vm.prank(stranger);
        market.expireJob(jobId);
        _assertState(jobId, OrangeMarket.JobState.Expired);
        vm.assertEq(market.getJob(jobId).startedAt, T0, "ran");
    }

    function test_expireJob_rejectsAcceptedAtStartBy() public {
        uint256 jobId = _accepted();
        uint40 startBy = market.getJob(jobId).deadline;
        vm.warp(startBy);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, startBy));
        market.expireJob(jobId);
    }

    function test_expireJob_rejectsRunningAtRunBy() public {
        uint256 jobId = _running();
        uint40 runBy = market.getJob(jobId).deadline;
        vm.warp(runBy);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TooEarly.selector, jobId, runBy));
        market.expireJob(jobId);
    }

    function test_expireJob_rejectsTerminalAndTwice() public {
        uint256 jobId = _accepted();
        vm.prank(requester);
        market.cancelJob(jobId);
        vm.warp(T0 + 1 days);
        vm.expectRevert(_wrongState(jobId, OrangeMarket.JobState.Cancelled));
        market.expireJob(jobId);
        uint256 other = _accepted();
        vm.warp(T0 + 2 days);
        market.expireJob(other);
        vm.expectRevert(_wrongState(other, OrangeMarket.JobState.Expired));
        market.expireJob(other);
    }

    function test_expireJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 0));
        market.expireJob(0);
    }

    // ------------------------------------------------------------ getJob

    function test_getJob_rejectsUnknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.UnknownJob.selector, 1));
        market.getJob(1);
    }

    function test_hireJob_writesOneJobSlot() public {
        _accepted(); // the requester's first hire also assigns its index (two more slots)
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.record();
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
        (, bytes32[] memory writes) = vm.accesses(address(market));
        // The job's one slot: no counter, no nonce word (strings and kfrag live in events).
        vm.assertEq(_distinct(writes), 1, "storage slots written by hireJob");
    }

    function test_hireJob_aRequestersFirstHireAssignsItsIndex() public {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.record();
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
        (, bytes32[] memory writes) = vm.accesses(address(market));
        // The counters, the job's slot and the requester's index both ways.
        vm.assertEq(_distinct(writes), 4, "storage slots written by a first hireJob");
    }

    function test_getJob_resolvesTheIndicesOfManyAccounts() public {
        // Several providers and requesters, interleaved: each job reports its own two addresses.
        address[3] memory requesters = [requester, stranger, address(0xBEEF)];
        for (uint256 i = 0; i < 6; i++) {
            address who = i % 2 == 0 ? provider : otherProvider;
            OrangeMarket.Offer memory offer = _offerOf(who, 1, 10);
            offer.requester = requesters[i % 3];
            CompactSig memory signature = _sign(_keyOf(who), offer);
            vm.prank(requesters[i % 3]);
            uint256 jobId = market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
            OrangeMarket.JobView memory job = market.getJob(jobId);
            vm.assertEq(job.provider, who, "provider");
            vm.assertEq(job.requester, requesters[i % 3], "requester");
        }
    }

    function _distinct(bytes32[] memory slots) private pure returns (uint256 count) {
        for (uint256 i = 0; i < slots.length; i++) {
            bool seen = false;
            for (uint256 j = 0; j < i; j++) {
                if (slots[j] == slots[i]) seen = true;
            }
            if (!seen) count++;
        }
    }

    // ------------------------------------------------------------ a whole free lifecycle (gas report)

    /// @dev Four lifecycles in a row, so that the gas report's medians are a market in use (the
    /// requester's index assigned), not a fresh deployment.
    function test_lifecycle_free() public {
        for (uint256 i = 0; i < 4; i++) {
            uint256 jobId = _hireAsTheSdk(_offerOf(provider, 1, 0));
            vm.prank(provider);
            market.startJob(jobId);
            vm.warp(block.timestamp + 3);
            vm.prank(provider);
            market.completeJob(jobId, "bafkreiresultresultresultresultresultresultresultresultre", 0, 0);
            _assertState(jobId, OrangeMarket.JobState.Completed);
        }
    }

    // ------------------------------------------------------------ helpers

    function _expectHireRevert(OrangeMarket.Offer memory offer, CompactSig memory signature, bytes memory err) private {
        vm.expectRevert(err);
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
    }

    function _expectBadSignature(OrangeMarket.Offer memory offer, CompactSig memory signature) private {
        _expectHireRevert(
            offer,
            signature,
            abi.encodeWithSelector(OrangeMarket.InvalidOfferSignature.selector, offer.provider, offer.nonce)
        );
    }

    function _expectTimeoutRevert(uint32 timeoutSec, uint32 max) private {
        OrangeMarket.Offer memory offer = _offer();
        CompactSig memory signature = _sign(PROVIDER_KEY, offer);
        vm.expectRevert(abi.encodeWithSelector(OrangeMarket.TimeoutNotOffered.selector, timeoutSec, max));
        vm.prank(requester);
        market.hireJob(offer, signature.r, signature.vs, _request(timeoutSec), KFRAG);
    }
}
