// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

/// @dev An offer signature in the form hireJob takes it: EIP-2098's compact (r, vs), where vs is s
/// with the signature's y parity (v - 27) in its top bit.
struct CompactSig {
    bytes32 r;
    bytes32 vs;
}

/// @dev The compact form of vm.sign's (v, r, s), as the SDK's hireJob sends viem's 65-byte
/// signature. A v other than 27 or 28 has no compact form: the tests of such signatures are gone
/// with the bytes parameter they were about.
function compactSig(uint8 v, bytes32 r, bytes32 s) pure returns (CompactSig memory) {
    require(v == 27 || v == 28, "compactSig: v is 27 or 28");
    return CompactSig(r, bytes32(uint256(s) | (uint256(v - 27) << 255)));
}
