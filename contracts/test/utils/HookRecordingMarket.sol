// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";

/// @dev The market with its payment hooks counted per job, to prove where they fire.
contract HookRecordingMarket is OrangeMarket {
    mapping(uint256 => uint256) public runStarted;
    mapping(uint256 => uint256) public runEnded;

    constructor(uint32 startWindowSec, uint32 graceSec) OrangeMarket(startWindowSec, graceSec) {}

    function _onRunStarted(uint256 jobId) internal override {
        // The hook sees the job already Running, so a payment layer can read its final price.
        require(this.getJob(jobId).state == JobState.Running, "started hook outside Running");
        runStarted[jobId] += 1;
    }

    function _onRunEnded(uint256 jobId) internal override {
        runEnded[jobId] += 1;
    }
}
