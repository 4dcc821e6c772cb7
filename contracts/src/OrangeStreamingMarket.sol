// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

import {OrangeMarket} from "./OrangeMarket.sol";
import {ICFAv1Forwarder, ISuperTokenLike} from "./payments/SuperfluidInterfaces.sol";

/// @title OrangeStreamingMarket: the job market that pays runs per second through Superfluid
/// @notice While a job runs, its requester streams `cores x pricePerCoreSecond` per second of one
/// super token to its provider. The market opens, raises, lowers and closes that flow as the
/// requester's flow operator (a bounded permission the requester grants once through the
/// CFAv1Forwarder). Superfluid keeps one flow per sender/receiver pair, so the concurrent jobs of
/// one requester on one provider share one flow whose rate is the sum of their rates.
///
/// Providers keep a bond here. Starting a paid job locks rate x (timeout + grace) of it; the
/// job's end pays back to the requester whatever the flow really paid beyond that (a run nobody
/// expired in time) from the lock and frees the rest. The market's token balance is always the
/// sum of the bonds.
/// @dev docs/payments.md has the design. The base market calls _onRunStarted once when a job
/// enters Running and _onRunEnded once on its exit.
contract OrangeStreamingMarket is OrangeMarket {
    /// @dev One requester -> provider pair, one slot. `booked` is the sum of the rates of the
    /// pair's running jobs. `touchedAt` is the pair's last start or end, when the market last read
    /// (and set) the flow; `flowing` whether a flow existed then. `unpaid` accumulates, in UNIT x
    /// seconds, the fraction of the booked rate the flow did not pay since the pair was last idle: a
    /// job of rate r that ran while it grew by d was paid r x (seconds run - d / UNIT). `gaps` counts
    /// the stretches in that time over which someone else changed the flow at a moment the market
    /// cannot know (they count as unpaid).
    struct Pair {
        uint96 booked;
        uint40 touchedAt;
        bool flowing;
        uint24 gaps;
        uint88 unpaid;
    }

    /// @dev The pair's `unpaid` and `gaps` when a job started; stored only when not zero (a pair whose
    /// flow always matched its booked rate never stores one).
    struct RunMark {
        uint88 unpaid;
        uint24 gaps;
    }

    struct Bond {
        uint128 free;
        uint128 locked;
    }

    /// @notice The CFAv1Forwarder of the Superfluid deployment the market pays through.
    ICFAv1Forwarder public immutable FORWARDER;
    /// @notice The super token every job is paid in.
    ISuperTokenLike public immutable TOKEN;

    /// @notice The largest flow rate Superfluid can carry (its rates are int96).
    uint256 public constant MAX_FLOWRATE = MAX_RATE;
    /// @dev Fixed-point unit of the unpaid accumulator (one unpaid second of the whole booked rate).
    /// Rounding always counts a little more as unpaid, never less: at most rate / UNIT per second.
    uint256 private constant UNIT = 1e15;
    /// @notice Closing a pair's flow with a job that ran at least this long, the market checks its
    /// balance for a liquidation reward (see _forwardReward); shorter runs skip that ~100k-gas read.
    uint256 public constant REWARD_CHECK_AFTER_SEC = 10 minutes;
    /// @notice The least gas a flow change is tried with. Superfluid's nested calls can refuse a
    /// starved change with most of the caller's gas still left, so the 63/64 test alone would take
    /// it for a receiver's refusal and leave the flow running; below this the call reverts
    /// (GasTooLow) instead. Deleting a flow takes about 300k.
    uint256 public constant MIN_FLOW_CHANGE_GAS = 600_000;

    mapping(address => mapping(address => Pair)) private _pairs;
    mapping(uint256 => RunMark) private _marks;
    mapping(address => Bond) private _bonds;
    /// @notice The sum of every provider's bond, free and locked: the market's token balance.
    uint256 public totalBonds;
    /// @dev Set while a payment hook runs: Superfluid app callbacks and token hooks (refunds,
    /// rewards) that call back into a hook find the pair's books mid-update, so they revert.
    bool private transient _paying;

    // No PaymentStarted: a paid job's JobStarted is its start (a start that cannot stream reverts),
    // at the rate its JobHired's terms say (cores x pricePerCoreSecond); pairRate() has the pair's.
    /// @notice The job's flow share stopped. `paid` is what the pair's flow moved for this job
    /// (its share of each second's flow, at most its rate); `refunded` what the provider's bond gave
    /// back of it beyond rate x (timeout + grace). `exact` is false when someone else changed the
    /// flow at a time the market cannot know: that stretch counts as unpaid, so `paid` is then a
    /// lower bound. The job's requester and provider are in its JobHired (not repeated here: each
    /// topic costs 375 gas on every paid exit).
    event PaymentStopped(uint256 indexed jobId, uint256 rate, uint256 paid, uint256 refunded, bool exact);
    /// @notice The market could neither lower nor delete the pair's flow (the requester revoked its
    /// rights): only the requester (the sender) or the provider can now stop it.
    event FlowLeftToRequester(uint256 indexed jobId, address indexed requester, address indexed provider);
    event BondDeposited(address indexed provider, uint256 amount);
    event BondWithdrawn(address indexed provider, uint256 amount);
    /// @notice The market received a liquidation reward for deleting a critical requester's flow
    /// and passed it to that flow's provider.
    event RewardForwarded(address indexed provider, uint256 amount);

    /// @notice The provider's free bond does not cover `needed` (a start's lock, or a withdrawal).
    error BondTooSmall(address provider, uint256 free, uint256 needed);
    /// @notice The token refused a bond transfer.
    error TransferFailed();
    /// @notice A payment hook was entered again (from a Super App callback or a token hook) before
    /// the first one finished.
    error Reentered();
    /// @notice A flow change failed for lack of gas; retry with a higher gas limit.
    error GasTooLow();

    constructor(uint32 startWindowSec, uint32 graceSec, ICFAv1Forwarder forwarder, ISuperTokenLike token)
        OrangeMarket(startWindowSec, graceSec)
    {
        if (address(forwarder).code.length == 0) revert InvalidRequest("forwarder");
        if (address(token).code.length == 0) revert InvalidRequest("token");
        FORWARDER = forwarder;
        TOKEN = token;
    }

    // ---------------------------------------------------------------- bonds

    /// @notice Adds exactly `amount` to the caller's free bond (the caller approves exactly that).
    function depositBond(uint256 amount) external {
        if (amount == 0) revert InvalidRequest("amount");
        Bond storage bond = _bonds[msg.sender];
        bond.free += _toUint128(amount);
        totalBonds += amount;
        emit BondDeposited(msg.sender, amount);
        if (!TOKEN.transferFrom(msg.sender, address(this), amount)) revert TransferFailed();
    }

    /// @notice Takes `amount` of the caller's free bond back; locked bond stays until its job ends.
    function withdrawBond(uint256 amount) external {
        if (amount == 0) revert InvalidRequest("amount");
        Bond storage bond = _bonds[msg.sender];
        if (bond.free < amount) revert BondTooSmall(msg.sender, bond.free, amount);
        // forge-lint: disable-next-line(unsafe-typecast) (amount <= free)
        bond.free -= uint128(amount);
        totalBonds -= amount;
        emit BondWithdrawn(msg.sender, amount);
        if (!TOKEN.transfer(msg.sender, amount)) revert TransferFailed();
    }

    function bondOf(address provider) external view returns (uint256 free, uint256 locked) {
        Bond storage bond = _bonds[provider];
        return (bond.free, bond.locked);
    }

    // ---------------------------------------------------------------- views

    /// @notice The sum of the rates of the pair's running jobs: what the market keeps the flow at.
    function pairRate(address requester, address provider) external view returns (uint256) {
        return _pairs[requester][provider].booked;
    }

    /// @notice What the job costs at most when it is ended by its deadline: rate x (timeout + grace).
    function maxCostOf(uint256 jobId) external view returns (uint256) {
        Job storage job = _existing(jobId);
        return uint256(job.rate) * (uint256(job.timeoutSec) + GRACE_SEC);
    }

    // ---------------------------------------------------------------- payment hooks

    /// @dev Locks the provider's bond for the job and raises the pair's flow by its rate. Reverts
    /// (the job cannot start) when the bond is too small or the requester did not let the market
    /// stream for it (setFlowrateFrom's own revert).
    function _onRunStarted(uint256 jobId, Job storage job, address provider) internal override {
        uint256 rate = job.rate;
        if (rate == 0) return; // a free provider: nothing to stream
        if (_paying) revert Reentered();
        _paying = true;
        address requester = _requesterOf(job);
        Pair memory pair = _pairs[requester][provider];
        // An idle pair has nothing to book up to now: its flow is simply set below.
        if (pair.booked != 0) _settle(requester, provider, pair);
        uint256 booked = pair.booked + rate;
        if (booked > MAX_FLOWRATE) revert RateTooHigh(booked);
        _lock(provider, rate * (uint256(job.timeoutSec) + GRACE_SEC));
        if (pair.unpaid != 0 || pair.gaps != 0) _marks[jobId] = RunMark(pair.unpaid, pair.gaps);

        // forge-lint: disable-next-line(unsafe-typecast) (booked <= MAX_FLOWRATE)
        pair.booked = uint96(booked);
        pair.touchedAt = uint40(block.timestamp);
        pair.flowing = true;
        _pairs[requester][provider] = pair;
        FORWARDER.setFlowrateFrom(address(TOKEN), requester, provider, _flowrate(booked));
        _paying = false;
    }

    /// @dev Books what the flow paid the job, refunds from the bond what it paid beyond
    /// rate x (timeout + grace), and lowers the pair's flow by the job's rate. Never reverts for
    /// reasons the caller cannot fix, because every exit from Running runs through here.
    function _onRunEnded(uint256 jobId, Job storage job, address provider) internal override {
        uint256 rate = job.rate;
        if (rate == 0) return;
        if (_paying) revert Reentered();
        _paying = true;
        address requester = _requesterOf(job);
        Pair memory pair = _pairs[requester][provider];
        uint256 current = _settle(requester, provider, pair);

        RunMark memory mark;
        // Both only grow while the pair is busy, so a job that started on clean books has no mark.
        if (pair.unpaid != 0 || pair.gaps != 0) {
            mark = _marks[jobId];
            if (mark.unpaid != 0 || mark.gaps != 0) delete _marks[jobId];
        }
        uint256 cover = rate * (uint256(job.timeoutSec) + GRACE_SEC);
        uint256 startedAt = _startedAt(job);
        uint256 paid = _paid(rate, block.timestamp - startedAt, pair.unpaid - mark.unpaid);
        uint256 refunded = _release(provider, requester, cover, paid > cover ? paid - cover : 0);
        emit PaymentStopped(jobId, rate, paid, refunded, pair.gaps == mark.gaps);

        uint256 booked = pair.booked - rate;
        // forge-lint: disable-next-line(unsafe-typecast) (booked only shrinks here)
        pair.booked = uint96(booked);
        if (booked == 0) {
            // Idle: nothing is owed on the pair's history any more; its books start afresh.
            pair.gaps = 0;
            pair.unpaid = 0;
        }
        uint256 flow = _lowerFlow(jobId, requester, provider, booked, current, startedAt);
        pair.flowing = flow != 0;
        _pairs[requester][provider] = pair;
        _paying = false;
    }

    // ---------------------------------------------------------------- accounting

    /// @dev Brings the pair's books up to now from the CFA's own record of the flow (its rate and
    /// when it last changed) and returns the current flow rate. Since the last touch the flow stayed
    /// as the market left it unless it changed: a change at lastUpdated leaves [touchedAt,
    /// lastUpdated) unknown (counted unpaid, a gap) and the current rate known from there; a deleted
    /// flow (the CFA forgets its lastUpdated) makes the whole stretch unknown. A second at flow f with
    /// booked rate B paid each job min(1, f / B) of its rate (rounded down).
    function _settle(address requester, address provider, Pair memory pair) private view returns (uint256 current) {
        (uint256 lastUpdated, int96 flowrate,,) = FORWARDER.getFlowInfo(address(TOKEN), requester, provider);
        current = _rate(flowrate);
        uint256 from = pair.touchedAt;
        uint256 booked = pair.booked;
        if (booked != 0 && block.timestamp > from) {
            uint256 knownFrom = from;
            if (lastUpdated > from) knownFrom = lastUpdated;
            else if (lastUpdated < from && pair.flowing && current == 0) knownFrom = block.timestamp;
            uint256 add = (knownFrom - from) * UNIT;
            if (current < booked) add += (block.timestamp - knownFrom) * _ceilDiv((booked - current) * UNIT, booked);
            if (knownFrom != from) {
                unchecked {
                    pair.gaps += 1;
                }
            }
            uint256 unpaid = pair.unpaid + add;
            // 2^88 UNIT-seconds are millions of years of unpaid flow: never reached in practice.
            // forge-lint: disable-next-line(unsafe-typecast)
            pair.unpaid = unpaid > type(uint88).max ? type(uint88).max : uint88(unpaid);
        }
        pair.touchedAt = uint40(block.timestamp);
    }

    /// @dev rate x seconds less the unpaid part, rounded so that it never exceeds what was paid.
    function _paid(uint256 rate, uint256 seconds_, uint256 unpaidDelta) private pure returns (uint256) {
        uint256 gross = rate * seconds_;
        uint256 unpaid = _ceilDiv(rate * unpaidDelta, UNIT);
        return unpaid >= gross ? 0 : gross - unpaid;
    }

    function _lock(address provider, uint256 amount) private {
        Bond storage bond = _bonds[provider];
        Bond memory b = bond;
        if (b.free < amount) revert BondTooSmall(provider, b.free, amount);
        // Both fit: amount <= free, and locked + amount <= the sum of bonds.
        // forge-lint: disable-next-line(unsafe-typecast) (amount <= free)
        bond.free = b.free - uint128(amount);
        // forge-lint: disable-next-line(unsafe-typecast) (locked + amount <= the sum of bonds, minted as uint128 amounts)
        bond.locked = b.locked + uint128(amount);
    }

    /// @dev Frees the job's lock; `owed` (capped at the lock) goes to the requester. A refund the
    /// token refuses (a requester contract that rejects it) stays in the provider's free bond, so
    /// that the exit still succeeds.
    function _release(address provider, address requester, uint256 cover, uint256 owed)
        private
        returns (uint256 refunded)
    {
        refunded = owed < cover ? owed : cover;
        Bond storage bond = _bonds[provider];
        Bond memory b = bond;
        // forge-lint: disable-next-line(unsafe-typecast) (<= cover, which fits in uint128)
        uint128 kept = uint128(cover - refunded);
        if (refunded != 0) {
            totalBonds -= refunded;
            if (!_tryTransfer(requester, refunded)) {
                totalBonds += refunded;
                // forge-lint: disable-next-line(unsafe-typecast) (cover <= the lock, which fits in uint128)
                kept = uint128(cover);
                refunded = 0;
            }
        }
        // forge-lint: disable-next-line(unsafe-typecast) (cover was locked, and locks fit in uint128)
        bond.locked = b.locked - uint128(cover);
        bond.free = b.free + kept;
    }

    // ---------------------------------------------------------------- flows

    /// @dev Lowers the flow to the pair's booked rate (never raises: that would spend allowance the
    /// requester may not give any more). A failure to lower (a Super App receiver that reverts in its
    /// callback, a critical requester) falls back to deleting the flow, which neither can refuse;
    /// when that fails too (rights revoked) the flow is left to the requester. Returns the flow.
    function _lowerFlow(
        uint256 jobId,
        address requester,
        address provider,
        uint256 booked,
        uint256 current,
        uint256 startedAt
    ) private returns (uint256) {
        uint256 target = booked < current ? booked : current;
        if (target == current) return current;
        bool lowered = _trySetFlow(requester, provider, target);
        bool fellBack = !lowered && target != 0;
        if (fellBack) {
            target = 0;
            lowered = _trySetFlow(requester, provider, 0);
        }
        if (!lowered) {
            emit FlowLeftToRequester(jobId, requester, provider);
            return current;
        }
        // A deletion earns the market a reward only when the requester is critical, and (unless the
        // governance has no reward address) only once its patrician period is over. The requester was
        // solvent when this job started (the CFA refuses to raise a critical sender's flow), so a run
        // shorter than REWARD_CHECK_AFTER_SEC cannot have earned one that way.
        if (fellBack || (target == 0 && block.timestamp - startedAt >= REWARD_CHECK_AFTER_SEC)) {
            _forwardReward(provider);
        }
        return target;
    }

    function _trySetFlow(address requester, address provider, uint256 rate) private returns (bool) {
        uint256 gasBefore = gasleft();
        if (gasBefore < MIN_FLOW_CHANGE_GAS) revert GasTooLow();
        try FORWARDER.setFlowrateFrom(address(TOKEN), requester, provider, _flowrate(rate)) returns (bool ok) {
            return ok;
        } catch {
            // A call starved of gas (the caller picked a gas limit to force the fallback) is not a
            // receiver's refusal: revert instead of deleting a flow other jobs still need.
            if (gasleft() <= gasBefore / 63) revert GasTooLow();
            return false;
        }
    }

    /// @dev Deleting a critical requester's flow earns the market Superfluid's liquidation reward:
    /// everything above the bonds goes to the provider the flow was paying.
    function _forwardReward(address provider) private {
        uint256 balance = TOKEN.balanceOf(address(this));
        uint256 bonds = totalBonds;
        if (balance <= bonds) return;
        uint256 reward = balance - bonds;
        if (_tryTransfer(provider, reward)) {
            emit RewardForwarded(provider, reward);
        } else {
            _bonds[provider].free += _toUint128(reward);
            totalBonds = bonds + reward;
            emit BondDeposited(provider, reward);
        }
    }

    function _tryTransfer(address to, uint256 amount) private returns (bool) {
        try TOKEN.transfer(to, amount) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }

    // ---------------------------------------------------------------- math

    /// @dev Superfluid rates are int96 and never negative for an existing flow; a negative value
    /// would be a bug upstream and counts as 0 here.
    function _rate(int96 flowrate) private pure returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return flowrate < 0 ? 0 : uint256(uint96(flowrate));
    }

    /// @dev Only called with rates up to MAX_FLOWRATE (checked where they grow).
    function _flowrate(uint256 rate) private pure returns (int96) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return int96(uint96(rate));
    }

    function _ceilDiv(uint256 a, uint256 b) private pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    function _toUint128(uint256 x) private pure returns (uint128) {
        if (x > type(uint128).max) revert InvalidRequest("amount");
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint128(x);
    }
}
