// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "../../src/OrangeMarket.sol";

/// @dev The market with its payment hooks counted per job, to prove where they fire.
contract HookRecordingMarket is OrangeMarket {
    mapping(uint256 => uint256) public runStarted;
    mapping(uint256 => uint256) public runEnded;

    constructor(uint32 startWindowSec, uint32 graceSec) OrangeMarket(startWindowSec, graceSec) {}

    function _onRunStarted(uint256 jobId, Job storage job, address provider) internal override {
        // The hook sees the job already Running, so a payment layer can read its final terms.
        require(job.state == JobState.Running, "started hook outside Running");
        require(provider == this.getJob(jobId).provider, "started hook with another provider");
        runStarted[jobId] += 1;
    }

    function _onRunEnded(uint256 jobId, Job storage job, address provider) internal override {
        require(job.state > JobState.Running, "ended hook before a final state");
        require(provider == this.getJob(jobId).provider, "ended hook with another provider");
        runEnded[jobId] += 1;
    }
}
