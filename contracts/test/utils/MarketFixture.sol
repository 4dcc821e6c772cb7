// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";
import {TestBase} from "./TestBase.sol";

/// @dev A deployed market, one registered provider and helpers that walk a job through its states.
abstract contract MarketFixture is TestBase {
    uint32 internal constant START_WINDOW = 300;
    uint32 internal constant GRACE = 60;
    uint256 internal constant T0 = 1_700_000_000;

    OrangeMarket internal market;
    address internal requester = address(0xA11CE);
    address internal provider = address(0xB0B);
    address internal stranger = address(0x5757);

    bytes internal constant UMBRAL_KEY = hex"02aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899";
    bytes internal constant KFRAG = hex"c0ffee";

    function setUp() public virtual {
        vm.warp(T0);
        market = new OrangeMarket(START_WINDOW, GRACE);
        _register(provider, 4, 8192, 10);
    }

    function _offer(uint32 cores, uint32 memoryMb, uint96 price)
        internal
        pure
        returns (OrangeMarket.ProviderOffer memory)
    {
        return OrangeMarket.ProviderOffer({
            cores: cores,
            memoryMb: memoryMb,
            pricePerCoreSecond: price,
            umbralPublicKey: UMBRAL_KEY,
            runtimes: "python3",
            endpoint: "http://127.0.0.1:7420",
            ipfsPeers: "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW"
        });
    }

    function _register(address who, uint32 cores, uint32 memoryMb, uint96 price) internal {
        vm.prank(who);
        market.registerProvider(_offer(cores, memoryMb, price));
    }

    function _request() internal pure returns (OrangeMarket.JobRequest memory) {
        return OrangeMarket.JobRequest({
            name: "hello.py",
            runtime: "python3",
            cores: 2,
            memoryMb: 1024,
            timeoutSec: 600,
            maxPricePerCoreSecond: 100,
            manifestCid: "bafkreiexamplemanifest",
            provider: address(0),
            acceptWindowSec: 0
        });
    }

    function _post(OrangeMarket.JobRequest memory req) internal returns (uint256 jobId) {
        vm.prank(requester);
        jobId = market.postJob(req);
    }

    function _posted() internal returns (uint256) {
        return _post(_request());
    }

    function _accepted() internal returns (uint256 jobId) {
        jobId = _posted();
        vm.prank(provider);
        market.acceptJob(jobId);
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
