// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

/// @title OrangeMarket: job board and provider registry of Orange Cloud
/// @notice A requester posts an encrypted Python job (its manifest lives on IPFS), one provider
/// accepts it, the requester grants that provider access (an Umbral kfrag), the provider runs it
/// and records the result CID. Every non-terminal state has a deadline after which anyone can
/// expire the job, so nothing waits on an admin (there is none).
/// @dev Storage holds only what the contract enforces; names, runtimes, CIDs, keys and endpoints
/// live in events. A job takes three storage slots, a provider one.
contract OrangeMarket {
    enum JobState {
        None,
        Posted,
        Accepted,
        Running,
        Completed,
        Failed,
        Cancelled,
        Expired
    }

    struct ProviderOffer {
        uint32 cores;
        uint32 memoryMb;
        uint96 pricePerCoreSecond;
        bytes umbralPublicKey;
        string runtimes; // comma-separated, e.g. "python3"
        string endpoint; // URL of the provider's public log endpoint, may be empty
        string ipfsPeers; // comma-separated multiaddrs of the provider's IPFS node
    }

    struct JobRequest {
        string name;
        string runtime;
        uint32 cores;
        uint32 memoryMb;
        uint32 timeoutSec;
        uint96 maxPricePerCoreSecond;
        string manifestCid;
        address provider; // address(0): open to every provider; otherwise offered only to it
        uint32 acceptWindowSec; // 0: DEFAULT_ACCEPT_WINDOW_SEC
    }

    /// @dev Field order fixes the packing: slot 0 requester; slot 1 provider + price;
    /// slot 2 cores, memoryMb, timeoutSec, state, deadline, startedAt.
    struct Job {
        address requester;
        address provider; // the offered provider (or 0) while Posted, the winner from Accepted on
        uint96 pricePerCoreSecond; // the ceiling while Posted, the winner's price once accepted
        uint32 cores;
        uint32 memoryMb;
        uint32 timeoutSec;
        JobState state;
        uint40 deadline; // acceptBy while Posted, startBy while Accepted, runBy while Running
        uint40 startedAt;
    }

    struct Provider {
        uint32 cores;
        uint32 memoryMb;
        uint96 pricePerCoreSecond;
        bool active;
    }

    uint32 public constant MIN_ACCEPT_WINDOW_SEC = 30;
    uint32 public constant MAX_ACCEPT_WINDOW_SEC = 1 days;
    uint32 public constant DEFAULT_ACCEPT_WINDOW_SEC = 10 minutes;
    uint32 public constant MAX_TIMEOUT_SEC = 1 days;
    /// @notice Bounds for the constructor's windows, so that no deployment can make a deadline unreachable.
    uint32 public constant MAX_START_WINDOW_SEC = 1 days;
    uint32 public constant MAX_GRACE_SEC = 1 days;

    /// @notice Flags of completeJob: bit 0 timedOut, bit 1 outOfMemory, bit 2 outputTruncated.
    uint8 public constant FLAG_TIMED_OUT = 1;
    uint8 public constant FLAG_OUT_OF_MEMORY = 2;
    uint8 public constant FLAG_OUTPUT_TRUNCATED = 4;
    uint8 private constant KNOWN_FLAGS = FLAG_TIMED_OUT | FLAG_OUT_OF_MEMORY | FLAG_OUTPUT_TRUNCATED;

    /// @notice Seconds an accepted job has to start (the requester grants access meanwhile).
    uint32 public immutable START_WINDOW_SEC;
    /// @notice Seconds a running job has past its timeout to report its result.
    uint32 public immutable GRACE_SEC;

    mapping(address => Provider) public providers;
    mapping(uint256 => Job) private _jobs;
    uint256 private _jobCount;

    event ProviderRegistered(
        address indexed provider,
        uint32 cores,
        uint32 memoryMb,
        uint96 pricePerCoreSecond,
        bytes umbralPublicKey,
        string runtimes,
        string endpoint,
        string ipfsPeers
    );
    event ProviderDeactivated(address indexed provider);
    event JobPosted(
        uint256 indexed jobId,
        address indexed requester,
        address indexed provider,
        string name,
        string runtime,
        uint32 cores,
        uint32 memoryMb,
        uint32 timeoutSec,
        uint96 maxPricePerCoreSecond,
        string manifestCid,
        uint40 acceptBy
    );
    event JobAccepted(uint256 indexed jobId, address indexed provider, uint96 pricePerCoreSecond, uint40 startBy);
    event AccessGranted(uint256 indexed jobId, address indexed provider, bytes kfrag);
    event JobStarted(uint256 indexed jobId, address indexed provider, uint40 startedAt, uint40 runBy);
    event JobCompleted(
        uint256 indexed jobId,
        address indexed provider,
        string resultCid,
        int32 exitCode,
        uint8 flags,
        uint40 runSeconds
    );
    event JobFailed(uint256 indexed jobId, address indexed provider, string reason, string resultCid);
    event JobCancelled(uint256 indexed jobId, address indexed requester);
    event JobExpired(uint256 indexed jobId, JobState fromState);

    /// @notice A constructor argument, offer or request field is invalid; `why` names it.
    error InvalidRequest(string why);
    /// @notice No job has this id.
    error UnknownJob(uint256 jobId);
    /// @notice The job is not in a state that allows this call.
    error WrongState(uint256 jobId, JobState actual);
    /// @notice Only the job's requester may do this.
    error NotRequester(uint256 jobId);
    /// @notice Only the job's assigned provider may do this.
    error NotProvider(uint256 jobId);
    /// @notice The job was offered to another provider.
    error NotOfferedProvider(uint256 jobId, address offeredTo);
    /// @notice The caller is not a registered, active provider.
    error ProviderNotActive(address provider);
    /// @notice The provider's registered offer does not satisfy the job; `why` names the field.
    error ProviderCannotTake(uint256 jobId, address provider, string why);
    /// @notice The state's deadline has passed; only expireJob is left.
    error DeadlinePassed(uint256 jobId, uint40 deadline);
    /// @notice expireJob before the state's deadline.
    error TooEarly(uint256 jobId, uint40 deadline);

    constructor(uint32 startWindowSec, uint32 graceSec) {
        if (startWindowSec == 0 || startWindowSec > MAX_START_WINDOW_SEC) revert InvalidRequest("startWindowSec");
        if (graceSec > MAX_GRACE_SEC) revert InvalidRequest("graceSec");
        START_WINDOW_SEC = startWindowSec;
        GRACE_SEC = graceSec;
    }

    // ---------------------------------------------------------------- providers

    /// @notice Registers the caller as a provider, or updates its offer; (re)activates it.
    function registerProvider(ProviderOffer calldata offer) external {
        if (offer.cores == 0) revert InvalidRequest("cores");
        if (offer.memoryMb == 0) revert InvalidRequest("memoryMb");
        if (offer.umbralPublicKey.length == 0) revert InvalidRequest("umbralPublicKey");
        providers[msg.sender] = Provider(offer.cores, offer.memoryMb, offer.pricePerCoreSecond, true);
        emit ProviderRegistered(
            msg.sender,
            offer.cores,
            offer.memoryMb,
            offer.pricePerCoreSecond,
            offer.umbralPublicKey,
            offer.runtimes,
            offer.endpoint,
            offer.ipfsPeers
        );
    }

    /// @notice Stops the caller from accepting new jobs; jobs it already holds go on.
    function deactivateProvider() external {
        if (!providers[msg.sender].active) revert ProviderNotActive(msg.sender);
        providers[msg.sender].active = false;
        emit ProviderDeactivated(msg.sender);
    }

    // ---------------------------------------------------------------- requester

    /// @notice Posts a job; ids start at 1.
    function postJob(JobRequest calldata req) external returns (uint256 jobId) {
        if (req.cores == 0) revert InvalidRequest("cores");
        if (req.memoryMb == 0) revert InvalidRequest("memoryMb");
        if (req.timeoutSec == 0 || req.timeoutSec > MAX_TIMEOUT_SEC) revert InvalidRequest("timeoutSec");
        if (bytes(req.runtime).length == 0) revert InvalidRequest("runtime");
        if (bytes(req.manifestCid).length == 0) revert InvalidRequest("manifestCid");
        uint32 window = req.acceptWindowSec == 0 ? DEFAULT_ACCEPT_WINDOW_SEC : req.acceptWindowSec;
        if (window < MIN_ACCEPT_WINDOW_SEC || window > MAX_ACCEPT_WINDOW_SEC) revert InvalidRequest("acceptWindowSec");

        jobId = ++_jobCount;
        uint40 acceptBy = uint40(block.timestamp) + window;
        _jobs[jobId] = Job({
            requester: msg.sender,
            provider: req.provider,
            pricePerCoreSecond: req.maxPricePerCoreSecond,
            cores: req.cores,
            memoryMb: req.memoryMb,
            timeoutSec: req.timeoutSec,
            state: JobState.Posted,
            deadline: acceptBy,
            startedAt: 0
        });
        emit JobPosted(
            jobId,
            msg.sender,
            req.provider,
            req.name,
            req.runtime,
            req.cores,
            req.memoryMb,
            req.timeoutSec,
            req.maxPricePerCoreSecond,
            req.manifestCid,
            acceptBy
        );
    }

    /// @notice Hands the assigned provider the kfrag that lets it decrypt the job. Only an event:
    /// the chain is the delivery channel and the public record that access was granted.
    function grantAccess(uint256 jobId, bytes calldata kfrag) external {
        Job storage job = _existing(jobId);
        if (msg.sender != job.requester) revert NotRequester(jobId);
        if (job.state != JobState.Accepted) revert WrongState(jobId, job.state);
        if (kfrag.length == 0) revert InvalidRequest("kfrag");
        emit AccessGranted(jobId, job.provider, kfrag);
    }

    /// @notice The requester withdraws a job that has not ended: before a provider takes it, while
    /// the provider waits for the grant, or mid-run (the user pressed Cancel). A running job's
    /// run ends here, so the payment hook stops billing at this block.
    function cancelJob(uint256 jobId) external {
        Job storage job = _existing(jobId);
        if (msg.sender != job.requester) revert NotRequester(jobId);
        JobState state = job.state;
        if (state != JobState.Posted && state != JobState.Accepted && state != JobState.Running) {
            revert WrongState(jobId, state);
        }
        job.state = JobState.Cancelled;
        emit JobCancelled(jobId, msg.sender);
        if (state == JobState.Running) _onRunEnded(jobId);
    }

    // ---------------------------------------------------------------- provider

    /// @notice Takes a posted job at the caller's registered price; the first valid call wins.
    function acceptJob(uint256 jobId) external {
        Job storage job = _existing(jobId);
        if (job.state != JobState.Posted) revert WrongState(jobId, job.state);
        if (block.timestamp > job.deadline) revert DeadlinePassed(jobId, job.deadline);
        if (job.provider != address(0) && job.provider != msg.sender) {
            revert NotOfferedProvider(jobId, job.provider);
        }
        Provider memory offer = providers[msg.sender];
        if (!offer.active) revert ProviderNotActive(msg.sender);
        if (offer.cores < job.cores) revert ProviderCannotTake(jobId, msg.sender, "cores");
        if (offer.memoryMb < job.memoryMb) revert ProviderCannotTake(jobId, msg.sender, "memoryMb");
        if (offer.pricePerCoreSecond > job.pricePerCoreSecond) {
            revert ProviderCannotTake(jobId, msg.sender, "pricePerCoreSecond");
        }

        uint40 startBy = uint40(block.timestamp) + START_WINDOW_SEC;
        job.provider = msg.sender;
        job.pricePerCoreSecond = offer.pricePerCoreSecond;
        job.state = JobState.Accepted;
        job.deadline = startBy;
        emit JobAccepted(jobId, msg.sender, offer.pricePerCoreSecond, startBy);
    }

    /// @notice Marks the run as started; from here the run is paid (see _onRunStarted).
    function startJob(uint256 jobId) external {
        Job storage job = _assigned(jobId);
        if (job.state != JobState.Accepted) revert WrongState(jobId, job.state);
        if (block.timestamp > job.deadline) revert DeadlinePassed(jobId, job.deadline);

        uint40 startedAt = uint40(block.timestamp);
        uint40 runBy = startedAt + job.timeoutSec + GRACE_SEC;
        job.state = JobState.Running;
        job.startedAt = startedAt;
        job.deadline = runBy;
        _onRunStarted(jobId);
        emit JobStarted(jobId, msg.sender, startedAt, runBy);
    }

    /// @notice Records the result of a run (the CID of the result encrypted to the requester).
    /// @param flags bit 0 timedOut, bit 1 outOfMemory, bit 2 outputTruncated
    function completeJob(uint256 jobId, string calldata resultCid, int32 exitCode, uint8 flags) external {
        Job storage job = _assigned(jobId);
        if (job.state != JobState.Running) revert WrongState(jobId, job.state);
        if (block.timestamp > job.deadline) revert DeadlinePassed(jobId, job.deadline);
        if (bytes(resultCid).length == 0) revert InvalidRequest("resultCid");
        if (flags & ~KNOWN_FLAGS != 0) revert InvalidRequest("flags");

        job.state = JobState.Completed;
        _onRunEnded(jobId);
        emit JobCompleted(jobId, msg.sender, resultCid, exitCode, flags, uint40(block.timestamp) - job.startedAt);
    }

    /// @notice Gives up an accepted or running job, saying why (e.g. the image is missing,
    /// the kfrag is invalid). resultCid may carry partial output, or be empty.
    function failJob(uint256 jobId, string calldata reason, string calldata resultCid) external {
        Job storage job = _assigned(jobId);
        JobState from = job.state;
        if (from != JobState.Accepted && from != JobState.Running) revert WrongState(jobId, from);
        if (block.timestamp > job.deadline) revert DeadlinePassed(jobId, job.deadline);
        if (bytes(reason).length == 0) revert InvalidRequest("reason");

        job.state = JobState.Failed;
        if (from == JobState.Running) _onRunEnded(jobId);
        emit JobFailed(jobId, msg.sender, reason, resultCid);
    }

    // ---------------------------------------------------------------- anyone

    /// @notice Ends a job whose current deadline has passed: not accepted in time, not started
    /// in time, or no result by startedAt + timeout + grace. Callable by anyone.
    function expireJob(uint256 jobId) external {
        Job storage job = _existing(jobId);
        JobState from = job.state;
        if (from != JobState.Posted && from != JobState.Accepted && from != JobState.Running) {
            revert WrongState(jobId, from);
        }
        if (block.timestamp <= job.deadline) revert TooEarly(jobId, job.deadline);

        job.state = JobState.Expired;
        if (from == JobState.Running) _onRunEnded(jobId);
        emit JobExpired(jobId, from);
    }

    function getJob(uint256 jobId) external view returns (Job memory) {
        return _existing(jobId);
    }

    function jobCount() external view returns (uint256) {
        return _jobCount;
    }

    // ---------------------------------------------------------------- payment seam

    /// @dev Called exactly once per job, when it enters Running (startJob). The payment layer
    /// (Superfluid) overrides it to open or raise the requester -> provider flow by
    /// cores * pricePerCoreSecond.
    function _onRunStarted(
        uint256 /* jobId */
    )
        internal
        virtual {}

    /// @dev Called exactly once per job that ran, on every exit from Running: completeJob,
    /// failJob and expireJob. The payment layer overrides it to lower or close the flow.
    function _onRunEnded(
        uint256 /* jobId */
    )
        internal
        virtual {}

    // ---------------------------------------------------------------- internals

    function _existing(uint256 jobId) internal view returns (Job storage job) {
        job = _jobs[jobId];
        if (job.state == JobState.None) revert UnknownJob(jobId);
    }

    function _assigned(uint256 jobId) private view returns (Job storage job) {
        job = _existing(jobId);
        // While Posted, job.provider is only the offered provider; every caller of _assigned
        // then rejects the Posted state, so an offer never counts as an assignment.
        if (msg.sender != job.provider) revert NotProvider(jobId);
    }
}
