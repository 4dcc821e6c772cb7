// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";

/// @dev The market with its payment hooks counted per job, to prove where they fire.
contract HookRecordingMarket is OrangeMarket {
    mapping(uint256 => uint256) public runStarted;
    mapping(uint256 => uint256) public runEnded;

    constructor(uint32 startWindowSec, uint32 graceSec) OrangeMarket(startWindowSec, graceSec) {}

    function _onRunStarted(uint256 jobId, Job storage job) internal override {
        // The hook sees the job already Running, so a payment layer can read its final terms.
        require(job.state == JobState.Running, "started hook outside Running");
        runStarted[jobId] += 1;
    }

    function _onRunEnded(uint256 jobId, Job storage job) internal override {
        require(job.state > JobState.Running, "ended hook before a final state");
        runEnded[jobId] += 1;
    }
}
