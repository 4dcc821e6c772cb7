// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {TestBase} from "./TestBase.sol";
import {CompactSig, compactSig} from "./CompactSig.sol";

/// @dev A deployed market, one registered provider with a signing key, and helpers that sign
/// offers and walk a job through its states.
abstract contract MarketFixture is TestBase {
    uint32 internal constant START_WINDOW = 300;
    uint32 internal constant GRACE = 60;
    uint32 internal constant TIMEOUT = 600;
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant PROVIDER_KEY = 0xB0B;
    uint256 internal constant OTHER_KEY = 0xC0C;

    OrangeMarket internal market;
    address internal requester = address(0xA11CE);
    address internal provider;
    address internal otherProvider;
    address internal stranger = address(0x5757);
    uint64 internal nextNonce;

    bytes internal constant JOB_KEY = hex"02aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899";
    bytes internal constant KFRAG = hex"c0ffee";
    string internal constant SDK_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

    function setUp() public virtual {
        vm.warp(T0);
        market = _deployMarket();
        provider = vm.addr(PROVIDER_KEY);
        otherProvider = vm.addr(OTHER_KEY);
        _register(provider, 4, 8192, 10);
        _register(otherProvider, 4, 8192, 10);
    }

    function _deployMarket() internal virtual returns (OrangeMarket) {
        return new OrangeMarket(START_WINDOW, GRACE);
    }

    function _registration(uint32 cores, uint32 memoryMb, uint96 price)
        internal
        pure
        returns (OrangeMarket.ProviderRegistration memory)
    {
        return OrangeMarket.ProviderRegistration({
            cores: cores,
            memoryMb: memoryMb,
            pricePerCoreSecond: price,
            runtimes: "python3",
            endpoint: "http://127.0.0.1:7420",
            ipfsPeers: "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW"
        });
    }

    function _register(address who, uint32 cores, uint32 memoryMb, uint96 price) internal {
        vm.prank(who);
        market.registerProvider(_registration(cores, memoryMb, price));
    }

    /// @dev A fresh offer of `provider` to `requester`: 2 cores at _price() per core-second, 60 s to live.
    function _offer() internal returns (OrangeMarket.Offer memory) {
        return _offerOf(provider, 2, _price());
    }

    function _price() internal pure virtual returns (uint96) {
        return 10;
    }

    function _offerOf(address who, uint32 cores, uint96 price) internal returns (OrangeMarket.Offer memory) {
        return OrangeMarket.Offer({
            provider: who,
            requester: requester,
            runtime: "python3",
            cores: cores,
            memoryMb: 1024,
            maxTimeoutSec: 3600,
            pricePerCoreSecond: price,
            jobPublicKey: JOB_KEY,
            expiresAt: uint64(block.timestamp + 60),
            nonce: nextNonce++
        });
    }

    /// @dev The signature viem's signTypedData makes, in the compact form hireJob takes.
    function _sign(uint256 key, OrangeMarket.Offer memory offer) internal returns (CompactSig memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, market.offerDigest(offer));
        return compactSig(v, r, s);
    }

    function _keyOf(address who) internal view returns (uint256) {
        return who == provider ? PROVIDER_KEY : OTHER_KEY;
    }

    function _request(uint32 timeoutSec) internal pure returns (OrangeMarket.JobRequest memory) {
        return
            OrangeMarket.JobRequest({name: "hello.py", timeoutSec: timeoutSec, manifestCid: "bafkreiexamplemanifest"});
    }

    function _hire(OrangeMarket.Offer memory offer) internal returns (uint256 jobId) {
        CompactSig memory signature = _sign(_keyOf(offer.provider), offer);
        vm.prank(requester);
        jobId = market.hireJob(offer, signature.r, signature.vs, _request(TIMEOUT), KFRAG);
    }

    /// @dev A hire with the sizes the SDK sends: a 310-byte kfrag (Umbral's serialized KeyFrag) and
    /// a CIDv1 of 59 characters, so that the gas report's lifecycles match the devnet's.
    function _hireAsTheSdk(OrangeMarket.Offer memory offer) internal returns (uint256 jobId) {
        CompactSig memory signature = _sign(_keyOf(offer.provider), offer);
        vm.prank(requester);
        jobId = market.hireJob(
            offer,
            signature.r,
            signature.vs,
            OrangeMarket.JobRequest({name: "sleep.py", timeoutSec: TIMEOUT, manifestCid: SDK_CID}),
            _sdkKfrag()
        );
    }

    function _sdkKfrag() internal pure returns (bytes memory kfrag) {
        kfrag = new bytes(310);
        for (uint256 i = 0; i < kfrag.length; i++) {
            kfrag[i] = bytes1(uint8(i % 251) + 1);
        }
    }

    function _accepted() internal returns (uint256) {
        return _hire(_offer());
    }

    function _running() internal returns (uint256 jobId) {
        jobId = _accepted();
        vm.prank(provider);
        market.startJob(jobId);
    }

    function _state(uint256 jobId) internal view returns (OrangeMarket.JobState) {
        return market.getJob(jobId).state;
    }

    function _assertState(uint256 jobId, OrangeMarket.JobState expected) internal view {
        vm.assertEq(uint256(_state(jobId)), uint256(expected), "job state");
    }

    function _wrongState(uint256 jobId, OrangeMarket.JobState actual) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(OrangeMarket.WrongState.selector, jobId, actual);
    }

    function _invalid(string memory why) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(OrangeMarket.InvalidRequest.selector, why);
    }
}
