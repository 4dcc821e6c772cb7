// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {SuperfluidFromArtifacts, SuperfluidFramework} from "../utils/SuperfluidFromArtifacts.sol";

contract SuperfluidDeployTest is SuperfluidFromArtifacts {
    function test_deploysTheFramework() public {
        (, SuperfluidFramework memory sf) = _deploySuperfluid();
        vm.assertTrue(sf.cfaV1Forwarder.code.length > 0, "forwarder deployed");
    }
}
