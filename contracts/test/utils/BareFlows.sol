// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {ICFAv1Forwarder} from "../../src/payments/SuperfluidInterfaces.sol";

interface IForwarderSetFlowrate {
    function setFlowrate(address token, address receiver, int96 flowrate) external returns (bool);
}

/// @dev Superfluid's own cost of a flow, measured the way the gas report measures the market: a
/// contract that holds super tokens opens and closes a flow through the CFAv1Forwarder, as the
/// sender (BareFlowSender) or as a sender's flow operator (BareFlowOperator, what the market is).
contract BareFlowSender {
    IForwarderSetFlowrate private immutable _forwarder;
    address private immutable _token;

    constructor(address forwarder, address token) {
        _forwarder = IForwarderSetFlowrate(forwarder);
        _token = token;
    }

    function open(address receiver, int96 flowrate) external {
        _forwarder.setFlowrate(_token, receiver, flowrate);
    }

    function close(address receiver) external {
        _forwarder.setFlowrate(_token, receiver, 0);
    }
}

contract BareFlowOperator {
    ICFAv1Forwarder private immutable _forwarder;
    address private immutable _token;

    constructor(ICFAv1Forwarder forwarder, address token) {
        _forwarder = forwarder;
        _token = token;
    }

    function open(address sender, address receiver, int96 flowrate) external {
        _forwarder.setFlowrateFrom(_token, sender, receiver, flowrate);
    }

    function close(address sender, address receiver) external {
        _forwarder.setFlowrateFrom(_token, sender, receiver, 0);
    }
}
