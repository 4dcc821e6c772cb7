// SPDX-License-Identifier: GPL-3.0-only
pragma solidity ^0.8.30;

/// @title OrangeMarket: job market and provider registry of Orange Cloud (v2)
/// @notice A job exists only hired: the requester posts it together with a provider's signed offer
/// (EIP-712), which binds the provider, the price and the terms, and with the grant (an Umbral kfrag
/// for the offer's per-job key) in the same transaction. The provider starts, runs and completes
/// it. Every non-terminal state has a deadline after which anyone can expire the job, so nothing
/// waits on an admin (there is none).
/// @dev There is no open order: first-come acceptance made every idle provider pay a reverted
/// transaction per job and let free sybil providers take jobs and read their scripts. Storage holds
/// only what the contract enforces: one slot per job, paid or free (its provider and requester by
/// their account indices, see Job); names, runtimes, CIDs and kfrags live in events. A job's id
/// is its provider's index and its offer's nonce (see jobIdOf), so the job's own slot is what
/// refuses a replayed offer: there is no job counter and no used-nonce bitmap to update.
contract OrangeMarket {
    enum JobState {
        None,
        Accepted,
        Running,
        Completed,
        Failed,
        Cancelled,
        Expired
    }

    /// @notice A provider's advertisement: what it could take and roughly at what price. The
    /// binding terms of a job are those of the provider's signed offer.
    struct ProviderRegistration {
        uint32 cores;
        uint32 memoryMb;
        uint96 pricePerCoreSecond;
        string runtimes; // comma-separated, e.g. "python3"
        string endpoint; // URL of the provider's endpoint (quotes, live logs)
        string ipfsPeers; // comma-separated multiaddrs of the provider's IPFS node
    }

    /// @notice What a provider signs (EIP-712 type `Offer`, domain "OrangeMarket" version "2");
    /// field order and types are those of sdk/src/market/offer.ts.
    struct Offer {
        address provider;
        address requester; // address(0): any requester may hire with it
        string runtime;
        uint32 cores;
        uint32 memoryMb;
        uint32 maxTimeoutSec;
        uint96 pricePerCoreSecond;
        bytes jobPublicKey; // a fresh compressed Umbral public key for this job alone
        uint64 expiresAt;
        uint64 nonce; // once per provider: the low 64 bits of the job's id
    }

    struct JobRequest {
        string name;
        uint32 timeoutSec;
        string manifestCid;
    }

    /// @dev One slot (30 bytes): a fresh slot costs 22,100 gas, so a job holds its provider and
    /// requester by account index (providers get one at their first registration, requesters at
    /// their first hire; see _providerAt, _requesterAt) instead of two 20-byte addresses. startedAt
    /// is not stored: from Running on it is deadline - timeoutSec - GRACE_SEC, because the exits
    /// keep the deadline.
    struct Job {
        uint32 provider; // the provider's index (Provider.index)
        uint32 requester; // the requester's index (_requesterIndex)
        JobState state;
        bool started;
        uint40 deadline; // startBy while Accepted, runBy from Running on
        uint24 timeoutSec; // <= MAX_TIMEOUT_SEC
        uint96 rate; // cores x pricePerCoreSecond of the offer, token wei per second
    }

    /// @notice What getJob returns.
    struct JobView {
        address requester;
        address provider;
        JobState state;
        uint32 timeoutSec;
        uint96 rate; // cores x pricePerCoreSecond
        uint40 deadline; // startBy while Accepted, runBy from Running on (kept after the run)
        uint40 startedAt; // 0 when the job never ran
    }

    struct Provider {
        uint32 cores;
        uint32 memoryMb;
        uint96 pricePerCoreSecond;
        bool active;
        uint32 index; // from 1, assigned at the first registration and kept
    }

    /// @dev Account index counters. Only a provider's first registration and a requester's first
    /// hire read or write this slot.
    struct Counts {
        uint32 providers;
        uint32 requesters;
    }

    uint32 public constant MAX_TIMEOUT_SEC = 1 days;
    /// @notice Bounds for the constructor's windows, so that no deployment can make a deadline unreachable.
    uint32 public constant MAX_START_WINDOW_SEC = 1 days;
    uint32 public constant MAX_GRACE_SEC = 1 days;
    /// @notice The largest job rate (cores x price per second): Superfluid's int96 rates bound it.
    uint256 public constant MAX_RATE = uint256(uint96(type(int96).max));
    /// @notice Length of a compressed secp256k1 (Umbral) public key.
    uint256 public constant JOB_PUBLIC_KEY_LENGTH = 33;

    /// @notice Flags of completeJob: bit 0 timedOut, bit 1 outOfMemory, bit 2 outputTruncated.
    uint8 public constant FLAG_TIMED_OUT = 1;
    uint8 public constant FLAG_OUT_OF_MEMORY = 2;
    uint8 public constant FLAG_OUTPUT_TRUNCATED = 4;
    uint8 private constant KNOWN_FLAGS = FLAG_TIMED_OUT | FLAG_OUT_OF_MEMORY | FLAG_OUTPUT_TRUNCATED;

    bytes32 public constant OFFER_TYPEHASH = keccak256(
        "Offer(address provider,address requester,string runtime,uint32 cores,uint32 memoryMb,uint32 maxTimeoutSec,uint96 pricePerCoreSecond,bytes jobPublicKey,uint64 expiresAt,uint64 nonce)"
    );
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("OrangeMarket");
    bytes32 private constant VERSION_HASH = keccak256("2");
    /// @dev secp256k1n / 2: signatures with a larger s are the malleable twin of a low-s one.
    uint256 private constant HALF_CURVE_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice Seconds a hired job has to start.
    uint32 public immutable START_WINDOW_SEC;
    /// @notice Seconds a running job has past its timeout to report its result.
    uint32 public immutable GRACE_SEC;

    uint256 private immutable _CACHED_CHAIN_ID;
    bytes32 private immutable _CACHED_DOMAIN_SEPARATOR;

    mapping(address => Provider) public providers;
    mapping(uint256 => Job) private _jobs;
    Counts private _counts;
    mapping(uint32 => address) private _providerAt;
    mapping(address => uint32) private _requesterIndex;
    mapping(uint32 => address) private _requesterAt;

    event ProviderRegistered(
        address indexed provider,
        uint32 cores,
        uint32 memoryMb,
        uint96 pricePerCoreSecond,
        string runtimes,
        string endpoint,
        string ipfsPeers
    );
    event ProviderDeactivated(address indexed provider);
    /// @notice The hire and its grant: `kfrag` re-encrypts the job's payload key to the offer's
    /// per-job key, which the provider finds by the offer's nonce, the low 64 bits of `jobId` (the
    /// offer's signature binds the two).
    event JobHired(
        uint256 indexed jobId,
        address indexed requester,
        address indexed provider,
        string runtime,
        uint32 cores,
        uint32 memoryMb,
        uint96 pricePerCoreSecond,
        JobRequest request,
        uint40 startBy,
        bytes kfrag
    );
    /// @notice The two events every lifecycle has name no provider: only the one JobHired bound can
    /// send them, and a topic costs 375 gas each time.
    event JobStarted(uint256 indexed jobId, uint40 startedAt, uint40 runBy);
    event JobCompleted(uint256 indexed jobId, string resultCid, int32 exitCode, uint8 flags, uint40 runSeconds);
    event JobFailed(uint256 indexed jobId, address indexed provider, string reason, string resultCid);
    event JobCancelled(uint256 indexed jobId, address indexed requester);
    event JobExpired(uint256 indexed jobId, JobState fromState);

    /// @notice A constructor argument, registration or request field is invalid; `why` names it.
    error InvalidRequest(string why);
    /// @notice No job has this id.
    error UnknownJob(uint256 jobId);
    /// @notice The job is not in a state that allows this call.
    error WrongState(uint256 jobId, JobState actual);
    /// @notice Only the job's requester may do this.
    error NotRequester(uint256 jobId);
    /// @notice Only the job's provider (the offer's signer) may do this.
    error NotProvider(uint256 jobId);
    /// @notice The provider has no active registration.
    error ProviderNotActive(address provider);
    /// @notice The offer expired (block.timestamp > expiresAt).
    error OfferExpired(address provider, uint64 nonce, uint64 expiresAt);
    /// @notice The offer names another requester.
    error OfferNotForRequester(address provider, uint64 nonce, address requester);
    /// @notice The provider's offer with this nonce was used already.
    error OfferNonceUsed(address provider, uint64 nonce);
    /// @notice The signature has a high s, or was not made by offer.provider over this offer for this
    /// chain and market.
    error InvalidOfferSignature(address provider, uint64 nonce);
    /// @notice The request's timeout is 0 or above what the offer (or MAX_TIMEOUT_SEC) allows.
    error TimeoutNotOffered(uint32 timeoutSec, uint32 maxTimeoutSec);
    /// @notice cores x pricePerCoreSecond (or a pair's sum of them) exceeds what a flow can carry.
    error RateTooHigh(uint256 rate);
    /// @notice The state's deadline has passed; only expireJob is left.
    error DeadlinePassed(uint256 jobId, uint40 deadline);
    /// @notice expireJob before the state's deadline.
    error TooEarly(uint256 jobId, uint40 deadline);
    /// @notice A run cannot end in the second it started (every run is billed at least 1 s).
    error TooSoon(uint256 jobId, uint40 earliest);

    constructor(uint32 startWindowSec, uint32 graceSec) {
        if (startWindowSec == 0 || startWindowSec > MAX_START_WINDOW_SEC) revert InvalidRequest("startWindowSec");
        if (graceSec > MAX_GRACE_SEC) revert InvalidRequest("graceSec");
        START_WINDOW_SEC = startWindowSec;
        GRACE_SEC = graceSec;
        _CACHED_CHAIN_ID = block.chainid;
        _CACHED_DOMAIN_SEPARATOR = _buildDomainSeparator();
    }

    // ---------------------------------------------------------------- providers

    /// @notice Registers the caller as a provider, or updates its advertisement; (re)activates it.
    function registerProvider(ProviderRegistration calldata reg) external {
        if (reg.cores == 0) revert InvalidRequest("cores");
        if (reg.memoryMb == 0) revert InvalidRequest("memoryMb");
        uint32 index = providers[msg.sender].index;
        if (index == 0) {
            index = ++_counts.providers;
            _providerAt[index] = msg.sender;
        }
        providers[msg.sender] = Provider(reg.cores, reg.memoryMb, reg.pricePerCoreSecond, true, index);
        emit ProviderRegistered(
            msg.sender, reg.cores, reg.memoryMb, reg.pricePerCoreSecond, reg.runtimes, reg.endpoint, reg.ipfsPeers
        );
    }

    /// @notice Stops the caller from being hired; jobs it already holds go on.
    function deactivateProvider() external {
        if (!providers[msg.sender].active) revert ProviderNotActive(msg.sender);
        providers[msg.sender].active = false;
        emit ProviderDeactivated(msg.sender);
    }

    // ---------------------------------------------------------------- requester

    /// @notice Hires offer.provider on the terms it signed and hands it the kfrag for the offer's
    /// per-job key. The job's id is jobIdOf(offer.provider, offer.nonce): never 0, not dense, and
    /// above 2^53 (clients keep ids as bigints or decimal strings). The job is Accepted and must
    /// start within START_WINDOW_SEC.
    /// @param r the offer signature's r
    /// @param vs the offer signature's s with its y parity in the top bit (EIP-2098's compact
    /// form of the 65-byte signature the provider sent: two words of calldata instead of five)
    function hireJob(Offer calldata offer, bytes32 r, bytes32 vs, JobRequest calldata req, bytes calldata kfrag)
        external
        returns (uint256 jobId)
    {
        jobId = _admitOffer(offer, r, vs, req.timeoutSec);
        if (bytes(req.manifestCid).length == 0) revert InvalidRequest("manifestCid");
        if (kfrag.length == 0) revert InvalidRequest("kfrag");
        if (offer.jobPublicKey.length != JOB_PUBLIC_KEY_LENGTH) revert InvalidRequest("jobPublicKey");
        uint256 rate = uint256(offer.pricePerCoreSecond) * offer.cores;
        if (rate > MAX_RATE) revert RateTooHigh(rate);

        // forge-lint: disable-next-line(unsafe-typecast) (rate <= MAX_RATE < 2^96)
        uint40 startBy = _newJob(jobId, req.timeoutSec, uint96(rate));
        _emitHired(jobId, offer, req, startBy, kfrag);
    }

    /// @notice The requester withdraws a job that has not ended: before it starts or mid-run (the
    /// user pressed Cancel). A running job's run ends here, so the payment stops at this block.
    function cancelJob(uint256 jobId) external {
        Job storage job = _existing(jobId);
        if (msg.sender != _requesterAt[job.requester]) revert NotRequester(jobId);
        JobState from = job.state;
        if (from == JobState.Running) {
            _requireBilledSecond(jobId, job);
        } else if (from != JobState.Accepted) {
            revert WrongState(jobId, from);
        }
        job.state = JobState.Cancelled;
        emit JobCancelled(jobId, msg.sender);
        if (from == JobState.Running) _onRunEnded(jobId, job, _providerAt[job.provider]);
    }

    // ---------------------------------------------------------------- provider

    /// @notice Marks the run as started; from here the run is paid (see _onRunStarted).
    function startJob(uint256 jobId) external {
        Job storage job = _assigned(jobId);
        (JobState state, uint40 deadline, uint24 timeoutSec) = (job.state, job.deadline, job.timeoutSec);
        if (state != JobState.Accepted) revert WrongState(jobId, state);
        if (block.timestamp > deadline) revert DeadlinePassed(jobId, deadline);

        uint40 startedAt = uint40(block.timestamp);
        uint40 runBy = startedAt + timeoutSec + GRACE_SEC;
        job.state = JobState.Running;
        job.deadline = runBy;
        job.started = true;
        _onRunStarted(jobId, job, msg.sender);
        emit JobStarted(jobId, startedAt, runBy);
    }

    /// @notice Records the result of a run (the CID of the result encrypted to the requester).
    /// @param flags bit 0 timedOut, bit 1 outOfMemory, bit 2 outputTruncated
    function completeJob(uint256 jobId, string calldata resultCid, int32 exitCode, uint8 flags) external {
        Job storage job = _assigned(jobId);
        (JobState state, uint40 deadline) = (job.state, job.deadline);
        if (state != JobState.Running) revert WrongState(jobId, state);
        if (block.timestamp > deadline) revert DeadlinePassed(jobId, deadline);
        uint40 startedAt = _requireBilledSecond(jobId, job);
        if (bytes(resultCid).length == 0) revert InvalidRequest("resultCid");
        if (flags & ~KNOWN_FLAGS != 0) revert InvalidRequest("flags");

        job.state = JobState.Completed;
        _onRunEnded(jobId, job, msg.sender);
        emit JobCompleted(jobId, resultCid, exitCode, flags, uint40(block.timestamp) - startedAt);
    }

    /// @notice Gives up a hired or running job, saying why (e.g. the kfrag does not open the payload,
    /// the manifest is not bound to this job). resultCid may carry partial output, or be empty.
    function failJob(uint256 jobId, string calldata reason, string calldata resultCid) external {
        Job storage job = _assigned(jobId);
        JobState from = job.state;
        if (from != JobState.Accepted && from != JobState.Running) revert WrongState(jobId, from);
        if (block.timestamp > job.deadline) revert DeadlinePassed(jobId, job.deadline);
        if (from == JobState.Running) _requireBilledSecond(jobId, job);
        if (bytes(reason).length == 0) revert InvalidRequest("reason");

        job.state = JobState.Failed;
        if (from == JobState.Running) _onRunEnded(jobId, job, msg.sender);
        emit JobFailed(jobId, msg.sender, reason, resultCid);
    }

    // ---------------------------------------------------------------- anyone

    /// @notice Ends a job whose current deadline has passed: not started by startBy, or no result
    /// by startedAt + timeout + grace. Callable by anyone.
    function expireJob(uint256 jobId) external {
        Job storage job = _existing(jobId);
        JobState from = job.state;
        if (from != JobState.Accepted && from != JobState.Running) revert WrongState(jobId, from);
        if (block.timestamp <= job.deadline) revert TooEarly(jobId, job.deadline);

        job.state = JobState.Expired;
        if (from == JobState.Running) _onRunEnded(jobId, job, _providerAt[job.provider]);
        emit JobExpired(jobId, from);
    }

    // ---------------------------------------------------------------- views

    function getJob(uint256 jobId) external view returns (JobView memory view_) {
        Job storage job = _existing(jobId);
        view_ = JobView({
            requester: _requesterAt[job.requester],
            provider: _providerAt[job.provider],
            state: job.state,
            timeoutSec: job.timeoutSec,
            rate: job.rate,
            deadline: job.deadline,
            startedAt: job.started ? _startedAt(job) : 0
        });
    }

    /// @notice The id a hire with the provider's offer of this nonce gets: the provider's index
    /// (assigned at its first registration, from 1) above the 64 bits of the nonce. 0 for an
    /// account that never registered (no job has id 0).
    function jobIdOf(address provider, uint64 nonce) public view returns (uint256) {
        uint32 index = providers[provider].index;
        return index == 0 ? 0 : _jobId(index, nonce);
    }

    /// @notice Whether the provider's offer with this nonce was used to hire a job.
    function offerNonceUsed(address provider, uint64 nonce) external view returns (bool) {
        return _jobs[jobIdOf(provider, nonce)].state != JobState.None;
    }

    /// @notice The EIP-712 domain separator of offers for this market on this chain.
    // forge-lint: disable-next-line(mixed-case-function) (the EIP-2612 name every tool knows)
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return block.chainid == _CACHED_CHAIN_ID ? _CACHED_DOMAIN_SEPARATOR : _buildDomainSeparator();
    }

    /// @notice The EIP-712 digest a provider signs for this offer (viem's hashTypedData).
    function offerDigest(Offer calldata offer) public view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                OFFER_TYPEHASH,
                offer.provider,
                offer.requester,
                keccak256(bytes(offer.runtime)),
                offer.cores,
                offer.memoryMb,
                offer.maxTimeoutSec,
                offer.pricePerCoreSecond,
                keccak256(offer.jobPublicKey),
                offer.expiresAt,
                offer.nonce
            )
        );
        return keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
    }

    // ---------------------------------------------------------------- payment seam

    /// @dev Called exactly once per job, when it enters Running (startJob; state already Running),
    /// with the job's provider's address. The payment layer (Superfluid) overrides it to open or
    /// raise the requester -> provider flow.
    function _onRunStarted(uint256 jobId, Job storage job, address provider) internal virtual {}

    /// @dev Called exactly once per job that ran, on every exit from Running: completeJob, failJob,
    /// cancelJob and expireJob (state already final), with the job's provider's address. The
    /// payment layer lowers or closes the flow.
    function _onRunEnded(uint256 jobId, Job storage job, address provider) internal virtual {}

    // ---------------------------------------------------------------- internals

    function _existing(uint256 jobId) internal view returns (Job storage job) {
        job = _jobs[jobId];
        if (job.state == JobState.None) revert UnknownJob(jobId);
    }

    /// @dev The caller's index is in the same slot as its registration (one SLOAD); an account that
    /// never registered has index 0, which no job holds.
    function _assigned(uint256 jobId) private view returns (Job storage job) {
        job = _existing(jobId);
        if (providers[msg.sender].index != job.provider) revert NotProvider(jobId);
    }

    /// @dev The address of the job's requester (a payment layer streams from it).
    function _requesterOf(Job storage job) internal view returns (address) {
        return _requesterAt[job.requester];
    }

    /// @dev Valid from Running on; the exits keep the deadline (runBy), so it stays derivable.
    function _startedAt(Job storage job) internal view returns (uint40) {
        return job.deadline - job.timeoutSec - GRACE_SEC;
    }

    /// @dev A running job may only end after its first second, so that every run is billed.
    function _requireBilledSecond(uint256 jobId, Job storage job) private view returns (uint40 startedAt) {
        startedAt = _startedAt(job);
        if (block.timestamp <= startedAt) revert TooSoon(jobId, startedAt + 1);
    }

    function _jobId(uint32 providerIndex, uint64 nonce) private pure returns (uint256) {
        return (uint256(providerIndex) << 64) | nonce;
    }

    /// @dev The checks of the offer that its signature, expiry and nonce are about. Returns the
    /// job's id. The nonce is used once its job's slot is written (_newJob): a job never returns
    /// to None, so its slot is the replay guard.
    function _admitOffer(Offer calldata offer, bytes32 r, bytes32 vs, uint32 timeoutSec)
        private
        view
        returns (uint256 jobId)
    {
        address provider = offer.provider;
        uint64 nonce = offer.nonce;
        Provider storage registered = providers[provider];
        if (!registered.active) revert ProviderNotActive(provider);
        jobId = _jobId(registered.index, nonce);
        if (block.timestamp > offer.expiresAt) revert OfferExpired(provider, nonce, offer.expiresAt);
        if (offer.requester != address(0) && offer.requester != msg.sender) {
            revert OfferNotForRequester(provider, nonce, offer.requester);
        }
        if (_jobs[jobId].state != JobState.None) revert OfferNonceUsed(provider, nonce);
        if (_recover(offerDigest(offer), r, vs) != provider) revert InvalidOfferSignature(provider, nonce);
        uint32 maxTimeout = offer.maxTimeoutSec < MAX_TIMEOUT_SEC ? offer.maxTimeoutSec : MAX_TIMEOUT_SEC;
        if (timeoutSec == 0 || timeoutSec > maxTimeout) revert TimeoutNotOffered(timeoutSec, maxTimeout);
    }

    /// @dev Stores a hired job (and the caller's requester index, at its first hire).
    function _newJob(uint256 jobId, uint32 timeoutSec, uint96 rate) private returns (uint40 startBy) {
        uint32 requesterIndex = _requesterIndex[msg.sender];
        if (requesterIndex == 0) {
            requesterIndex = ++_counts.requesters;
            _requesterIndex[msg.sender] = requesterIndex;
            _requesterAt[requesterIndex] = msg.sender;
        }
        startBy = uint40(block.timestamp) + START_WINDOW_SEC;
        _jobs[jobId] = Job({
            // forge-lint: disable-next-line(unsafe-typecast) (the index above the nonce's 64 bits)
            provider: uint32(jobId >> 64),
            requester: requesterIndex,
            state: JobState.Accepted,
            started: false,
            deadline: startBy,
            timeoutSec: uint24(timeoutSec),
            rate: rate
        });
    }

    function _emitHired(
        uint256 jobId,
        Offer calldata offer,
        JobRequest calldata req,
        uint40 startBy,
        bytes calldata kfrag
    ) private {
        emit JobHired(
            jobId,
            msg.sender,
            offer.provider,
            offer.runtime,
            offer.cores,
            offer.memoryMb,
            offer.pricePerCoreSecond,
            req,
            startBy,
            kfrag
        );
    }

    /// @dev ecrecover of an EIP-2098 compact signature, with the check ecrecover lacks: a low s (a
    /// high one is the malleable twin of a low one). Returns address(0) for a signature ecrecover
    /// rejects (no registered provider has that address).
    function _recover(bytes32 digest, bytes32 r, bytes32 vs) internal pure returns (address) {
        uint256 s = uint256(vs) & ~(uint256(1) << 255);
        if (s > HALF_CURVE_ORDER) return address(0);
        // forge-lint: disable-next-line(unsafe-typecast) (the top bit: 0 or 1)
        uint8 v = uint8(uint256(vs) >> 255) + 27;
        return ecrecover(digest, v, r, bytes32(s));
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }
}
