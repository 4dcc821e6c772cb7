// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "./OrangeMarket.sol";
import {FlowPermissions, ICFAv1Forwarder, ISuperTokenLike} from "./payments/SuperfluidInterfaces.sol";

/// @title OrangeStreamingMarket: the job market that pays runs per second through Superfluid
/// @notice While a job runs, its requester streams `cores x pricePerCoreSecond` per second of one
/// super token to its provider. The market opens, raises, lowers and closes that flow as the
/// requester's flow operator (a bounded permission the requester grants once through the
/// CFAv1Forwarder). Superfluid keeps one flow per sender/receiver pair, so the concurrent jobs of
/// one requester on one provider share one flow whose rate is the sum of their rates.
/// @dev Payment states and who ends them are in docs/protocol.md ("Payments"). The base market
/// calls _onRunStarted once when a job enters Running and _onRunEnded once on its exit.
contract OrangeStreamingMarket is OrangeMarket {
    /// @notice The CFAv1Forwarder of the Superfluid deployment the market pays through.
    ICFAv1Forwarder public immutable FORWARDER;
    /// @notice The super token every job is paid in.
    ISuperTokenLike public immutable TOKEN;

    /// @notice The largest flow rate Superfluid can carry (its rates are int96).
    uint256 public constant MAX_FLOWRATE = uint256(uint96(type(int96).max));

    /// @notice requester => provider => sum of the rates of their Running jobs, in token wei per
    /// second: what the market keeps the pair's flow at, unless the requester or a liquidation
    /// removed the flow (then it is 0 until the pair's next start).
    mapping(address => mapping(address => uint256)) public pairRate;

    /// @notice The job's flow share started; pairRate is the pair's new total.
    event PaymentStarted(
        uint256 indexed jobId, address indexed requester, address indexed provider, uint256 rate, uint256 pairRate
    );
    /// @notice The job's flow share stopped. While `flowWasLive`, the share streamed `rate` for
    /// `streamedSeconds` and the provider gave `refunded` back for the seconds past the deadline, so
    /// the job cost the requester exactly rate x streamedSeconds - refunded. A flow that was gone
    /// (deleted by the requester, liquidated) stopped at a time the market cannot know; the same
    /// figure is then an upper bound.
    event PaymentStopped(
        uint256 indexed jobId,
        address indexed requester,
        address indexed provider,
        uint256 rate,
        uint256 streamedSeconds,
        uint256 refunded,
        bool flowWasLive
    );
    /// @notice The requester revoked the market's right to change its flow, so the market could not
    /// lower it; only the requester (the sender) can now lower or delete it.
    event FlowLeftToRequester(uint256 indexed jobId, address indexed requester, address indexed provider);

    /// @notice cores x price, summed over the pair's running jobs, exceeds what a flow can carry.
    error RateTooHigh(uint256 jobId, uint256 pairRate);
    /// @notice The requester has not made the market its flow operator with create, update and
    /// delete rights and an allowance of at least `allowanceNeeded`.
    error PaymentNotAuthorized(
        uint256 jobId, address requester, uint8 permissions, int96 allowance, uint256 allowanceNeeded
    );
    /// @notice The requester's available balance cannot keep its outgoing flows, this job's
    /// included, running until this job's deadline and lock the deposit.
    error RequesterCannotAfford(uint256 jobId, address requester, int256 available, uint256 needed);

    /// @notice The token refused the provider's refund of an overrun although it was approved.
    error RefundFailed(uint256 amount);

    constructor(uint32 startWindowSec, uint32 graceSec, ICFAv1Forwarder forwarder, ISuperTokenLike token)
        OrangeMarket(startWindowSec, graceSec)
    {
        if (address(forwarder).code.length == 0) revert InvalidRequest("forwarder");
        if (address(token).code.length == 0) revert InvalidRequest("token");
        FORWARDER = forwarder;
        TOKEN = token;
    }

    /// @notice The job's share of its pair's flow: cores x pricePerCoreSecond (the ceiling while Posted).
    function rateOf(uint256 jobId) public view returns (uint256) {
        Job storage job = _existing(jobId);
        return uint256(job.pricePerCoreSecond) * job.cores;
    }

    /// @notice What the job costs at most: its rate for timeout + grace seconds.
    function maxCostOf(uint256 jobId) external view returns (uint256) {
        return rateOf(jobId) * (uint256(_existing(jobId).timeoutSec) + GRACE_SEC);
    }

    /// @dev Raises the pair's flow by the job's rate. Reverts, so the job cannot start, unless the
    /// market may stream for the requester and the requester can pay every second of the job's
    /// window on top of its other outgoing flows.
    function _onRunStarted(uint256 jobId) internal override {
        Job storage job = _existing(jobId);
        uint256 rate = uint256(job.pricePerCoreSecond) * job.cores;
        if (rate == 0) return; // a free provider: nothing to stream
        address requester = job.requester;
        address provider = job.provider;
        uint256 newPairRate = pairRate[requester][provider] + rate;
        if (newPairRate > MAX_FLOWRATE) revert RateTooHigh(jobId, newPairRate);

        uint256 current = _rate(FORWARDER.getFlowrate(address(TOKEN), requester, provider));
        // Superfluid spends the operator allowance on every increase of a flow rate.
        uint256 increase = newPairRate > current ? newPairRate - current : 0;
        (uint8 permissions, int96 allowance) =
            FORWARDER.getFlowOperatorPermissions(address(TOKEN), requester, address(this));
        // Delete and update rights are needed later, when the job ends: checked now so an ending never fails.
        if (permissions & FlowPermissions.ALL != FlowPermissions.ALL || _rate(allowance) < increase) {
            revert PaymentNotAuthorized(jobId, requester, permissions, allowance, increase);
        }
        _requireAffordable(jobId, requester, job.timeoutSec, current, newPairRate);

        pairRate[requester][provider] = newPairRate;
        FORWARDER.setFlowrateFrom(address(TOKEN), requester, provider, _flowrate(newPairRate));
        emit PaymentStarted(jobId, requester, provider, rate, newPairRate);
    }

    /// @dev Lowers the pair's flow by the job's rate (deletes it at 0). Never reverts for reasons the
    /// caller cannot fix, because every exit from Running runs through here.
    function _onRunEnded(uint256 jobId) internal override {
        Job storage job = _existing(jobId);
        uint256 rate = uint256(job.pricePerCoreSecond) * job.cores;
        if (rate == 0) return;
        address requester = job.requester;
        address provider = job.provider;
        uint256 newPairRate = pairRate[requester][provider] - rate;
        pairRate[requester][provider] = newPairRate;

        uint256 current = _rate(FORWARDER.getFlowrate(address(TOKEN), requester, provider));
        // A flow that is gone (deleted by the requester, liquidated) paid nothing past its end.
        uint256 refunded = current == 0 ? 0 : _refundOverrun(job, rate);
        emit PaymentStopped(jobId, requester, provider, rate, block.timestamp - job.startedAt, refunded, current != 0);
        if (current == 0) return;

        // Never raise here (that would spend allowance the requester may no longer give); the CFA
        // refuses to lower the flow of a critical sender, but deleting it always works.
        uint256 target = newPairRate < current ? newPairRate : current;
        if (target != 0 && TOKEN.isAccountCriticalNow(requester)) target = 0;
        (uint8 permissions,) = FORWARDER.getFlowOperatorPermissions(address(TOKEN), requester, address(this));
        uint8 needed = target == 0 ? FlowPermissions.DELETE : FlowPermissions.UPDATE;
        if (permissions & needed == 0) {
            emit FlowLeftToRequester(jobId, requester, provider);
            return;
        }
        FORWARDER.setFlowrateFrom(address(TOKEN), requester, provider, _flowrate(target));
    }

    /// @dev Needed: every outgoing flow of the requester (this job's increase included) for the
    /// job's whole window, plus the extra deposit the raised flow locks. Conservative on purpose:
    /// other flows may end sooner, but none can be assumed to.
    function _requireAffordable(
        uint256 jobId,
        address requester,
        uint32 timeoutSec,
        uint256 currentRate,
        uint256 newPairRate
    ) private view {
        int96 net = FORWARDER.getAccountFlowrate(address(TOKEN), requester);
        uint256 outflow = net < 0 ? _rate(-net) : 0;
        if (newPairRate > currentRate) outflow += newPairRate - currentRate;
        uint256 bufferNow = FORWARDER.getBufferAmountByFlowrate(address(TOKEN), _flowrate(currentRate));
        uint256 bufferAfter = FORWARDER.getBufferAmountByFlowrate(address(TOKEN), _flowrate(newPairRate));
        uint256 needed = outflow * (uint256(timeoutSec) + GRACE_SEC);
        if (bufferAfter > bufferNow) needed += bufferAfter - bufferNow;
        (int256 available,,,) = TOKEN.realtimeBalanceOfNow(requester);
        // forge-lint: disable-next-line(unsafe-typecast) (available is not negative past the first test)
        if (available < 0 || uint256(available) < needed) {
            revert RequesterCannotAfford(jobId, requester, available, needed);
        }
    }

    /// @dev The flow cannot stop itself at the deadline; until someone calls expireJob the provider
    /// keeps receiving. It gives that overrun back here, as far as its approval to the market and
    /// its balance allow (docs/payments.md: providers approve the market when they register).
    function _refundOverrun(Job storage job, uint256 rate) private returns (uint256 refund) {
        if (block.timestamp <= job.deadline) return 0;
        refund = (block.timestamp - job.deadline) * rate;
        uint256 approved = TOKEN.allowance(job.provider, address(this));
        uint256 balance = TOKEN.balanceOf(job.provider);
        if (approved < refund) refund = approved;
        if (balance < refund) refund = balance;
        // A super token reverts rather than return false; the check is for any other token.
        if (refund != 0 && !TOKEN.transferFrom(job.provider, job.requester, refund)) revert RefundFailed(refund);
    }

    /// @dev Superfluid rates are int96 and never negative for an existing flow or allowance; a
    /// negative value would be a bug upstream and counts as 0 here.
    function _rate(int96 flowrate) private pure returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return flowrate < 0 ? 0 : uint256(uint96(flowrate));
    }

    /// @dev Only called with rates up to MAX_FLOWRATE (checked where they grow, in _onRunStarted).
    function _flowrate(uint256 rate) private pure returns (int96) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return int96(uint96(rate));
    }
}
