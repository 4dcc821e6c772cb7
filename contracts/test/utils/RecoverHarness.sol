// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";

/// @dev The market with its signature recovery exposed, for the inputs no signed offer can carry.
contract RecoverHarness is OrangeMarket {
    constructor(uint32 startWindowSec, uint32 graceSec) OrangeMarket(startWindowSec, graceSec) {}

    function recover(bytes32 digest, bytes32 r, bytes32 vs) external pure returns (address) {
        return _recover(digest, r, vs);
    }
}
