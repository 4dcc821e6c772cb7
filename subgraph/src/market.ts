// Mappings of the market's events onto schema.graphql. The state machine is the contract's; this
// only records what each event says (sdk/src/chain/market-state.ts is the same fold, off-chain).
import { BigInt, Bytes, ethereum } from '@graphprotocol/graph-ts';
import {
  BondDeposited,
  BondWithdrawn,
  FlowLeftToRequester,
  JobCancelled,
  JobCompleted,
  JobExpired,
  JobFailed,
  JobHired,
  JobStarted,
  PaymentStopped,
  ProviderDeactivated,
  ProviderRegistered,
  RewardForwarded,
} from '../generated/OrangeStreamingMarket/OrangeStreamingMarket';
import {
  Job,
  JobStateChange,
  MarketDay,
  Payment,
  Provider,
  ProviderRegistration,
  Requester,
} from '../generated/schema';

const SECONDS_PER_DAY = 86400;
/** 2^64 - 1: a job id's low 64 bits are the nonce of the offer it was hired with. */
const NONCE_MASK = BigInt.fromString('18446744073709551615');
/** OrangeMarket.JobState's member names, by value, as the schema's JobStatus spells them. */
const JOB_STATES = ['none', 'accepted', 'running', 'completed', 'failed', 'cancelled', 'expired'];

function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

function marketDay(event: ethereum.Event): MarketDay {
  const day = event.block.timestamp.toI32() / SECONDS_PER_DAY;
  const id = day.toString();
  let stats = MarketDay.load(id);
  if (stats == null) {
    stats = new MarketDay(id);
    stats.date = day * SECONDS_PER_DAY;
    stats.jobsHired = 0;
    stats.jobsStarted = 0;
    stats.jobsCompleted = 0;
    stats.jobsFailed = 0;
    stats.jobsCancelled = 0;
    stats.jobsExpired = 0;
    stats.providersRegistered = 0;
    stats.runSeconds = BigInt.zero();
    stats.paid = BigInt.zero();
  }
  return stats;
}

/** A provider seen before its registration (a bond deposit): empty until it registers. */
function loadProvider(address: Bytes, event: ethereum.Event): Provider {
  let provider = Provider.load(address);
  if (provider == null) {
    provider = new Provider(address);
    provider.cores = 0;
    provider.memoryMb = 0;
    provider.pricePerCoreSecond = BigInt.zero();
    provider.runtimes = '';
    provider.endpoint = '';
    provider.ipfsPeers = '';
    provider.active = false;
    provider.registeredAt = event.block.timestamp;
    provider.updatedAt = event.block.timestamp;
    provider.bond = BigInt.zero();
    provider.rewards = BigInt.zero();
    provider.jobCount = 0;
  }
  return provider;
}

/** Moves the job to `status` and records the change. */
function changeState(job: Job, status: string, event: ethereum.Event): void {
  job.status = status;
  job.save();
  const change = new JobStateChange(eventId(event));
  change.job = job.id;
  change.status = status;
  change.block = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transaction = event.transaction.hash;
  change.save();
}

export function handleProviderRegistered(event: ProviderRegistered): void {
  const p = event.params;
  const provider = loadProvider(p.provider, event);
  const first = provider.cores == 0 && provider.runtimes == '';
  provider.cores = p.cores.toI32();
  provider.memoryMb = p.memoryMb.toI32();
  provider.pricePerCoreSecond = p.pricePerCoreSecond;
  provider.runtimes = p.runtimes;
  provider.endpoint = p.endpoint;
  provider.ipfsPeers = p.ipfsPeers;
  provider.active = true;
  if (first) provider.registeredAt = event.block.timestamp;
  provider.updatedAt = event.block.timestamp;
  provider.save();

  const registration = new ProviderRegistration(eventId(event));
  registration.provider = provider.id;
  registration.cores = provider.cores;
  registration.memoryMb = provider.memoryMb;
  registration.pricePerCoreSecond = p.pricePerCoreSecond;
  registration.runtimes = p.runtimes;
  registration.endpoint = p.endpoint;
  registration.ipfsPeers = p.ipfsPeers;
  registration.block = event.block.number;
  registration.timestamp = event.block.timestamp;
  registration.save();

  const stats = marketDay(event);
  stats.providersRegistered += 1;
  stats.save();
}

export function handleProviderDeactivated(event: ProviderDeactivated): void {
  const provider = loadProvider(event.params.provider, event);
  provider.active = false;
  provider.updatedAt = event.block.timestamp;
  provider.save();
}

export function handleJobHired(event: JobHired): void {
  const p = event.params;
  let requester = Requester.load(p.requester);
  if (requester == null) {
    requester = new Requester(p.requester);
    requester.jobCount = 0;
    requester.firstHireAt = event.block.timestamp;
  }
  requester.jobCount += 1;
  requester.save();
  const provider = loadProvider(p.provider, event);
  provider.jobCount += 1;
  provider.save();

  const job = new Job(p.jobId.toString());
  job.jobId = p.jobId;
  job.requester = requester.id;
  job.provider = provider.id;
  // The id is the provider's market index above the offer's nonce (OrangeMarket.jobIdOf).
  job.offerNonce = p.jobId.bitAnd(NONCE_MASK);
  job.name = p.request.name;
  job.runtime = p.runtime;
  job.cores = p.cores.toI32();
  job.memoryMb = p.memoryMb.toI32();
  job.timeoutSec = p.request.timeoutSec.toI32();
  job.pricePerCoreSecond = p.pricePerCoreSecond;
  job.rate = p.pricePerCoreSecond.times(p.cores);
  job.manifestCid = p.request.manifestCid;
  job.kfrag = p.kfrag;
  job.deadline = p.startBy;
  job.hiredBlock = event.block.number;
  job.hiredAt = event.block.timestamp;
  changeState(job, 'accepted', event);

  const stats = marketDay(event);
  stats.jobsHired += 1;
  stats.save();
}

export function handleJobStarted(event: JobStarted): void {
  const job = Job.load(event.params.jobId.toString());
  if (job == null) return;
  job.startedAt = event.params.startedAt;
  job.deadline = event.params.runBy;
  changeState(job, 'running', event);
  // A paid job's start is its payment's start (no PaymentStarted event: see the contract).
  if (job.rate.gt(BigInt.zero())) {
    const payment = new Payment(job.id);
    payment.job = job.id;
    payment.rate = job.rate;
    payment.startedAt = event.params.startedAt;
    payment.leftToRequester = false;
    payment.save();
    job.payment = payment.id;
    job.save();
  }
  const stats = marketDay(event);
  stats.jobsStarted += 1;
  stats.save();
}

export function handleJobCompleted(event: JobCompleted): void {
  const job = Job.load(event.params.jobId.toString());
  if (job == null) return;
  job.resultCid = event.params.resultCid;
  job.exitCode = event.params.exitCode;
  job.flags = event.params.flags;
  job.runSeconds = event.params.runSeconds.toI32();
  job.endedAt = event.block.timestamp;
  changeState(job, 'completed', event);
  const stats = marketDay(event);
  stats.jobsCompleted += 1;
  stats.runSeconds = stats.runSeconds.plus(event.params.runSeconds);
  stats.save();
}

export function handleJobFailed(event: JobFailed): void {
  const job = Job.load(event.params.jobId.toString());
  if (job == null) return;
  job.failureReason = event.params.reason;
  if (event.params.resultCid.length > 0) job.resultCid = event.params.resultCid;
  job.endedAt = event.block.timestamp;
  changeState(job, 'failed', event);
  const stats = marketDay(event);
  stats.jobsFailed += 1;
  stats.save();
}

export function handleJobCancelled(event: JobCancelled): void {
  const job = Job.load(event.params.jobId.toString());
  if (job == null) return;
  job.endedAt = event.block.timestamp;
  changeState(job, 'cancelled', event);
  const stats = marketDay(event);
  stats.jobsCancelled += 1;
  stats.save();
}

export function handleJobExpired(event: JobExpired): void {
  const job = Job.load(event.params.jobId.toString());
  if (job == null) return;
  const from = event.params.fromState;
  if (from > 0 && from < JOB_STATES.length) job.expiredFrom = JOB_STATES[from];
  job.endedAt = event.block.timestamp;
  changeState(job, 'expired', event);
  const stats = marketDay(event);
  stats.jobsExpired += 1;
  stats.save();
}

export function handlePaymentStopped(event: PaymentStopped): void {
  const id = event.params.jobId.toString();
  let payment = Payment.load(id);
  if (payment == null) {
    payment = new Payment(id);
    payment.job = id;
    payment.leftToRequester = false;
  }
  payment.rate = event.params.rate;
  payment.stoppedAt = event.block.timestamp;
  const rate = event.params.rate;
  payment.seconds = rate.gt(BigInt.zero()) ? event.params.paid.div(rate) : BigInt.zero();
  payment.paid = event.params.paid;
  payment.refunded = event.params.refunded;
  payment.cost = event.params.paid.minus(event.params.refunded);
  payment.exact = event.params.exact;
  payment.save();
  const stats = marketDay(event);
  stats.paid = stats.paid.plus(event.params.paid);
  stats.save();
}

export function handleFlowLeftToRequester(event: FlowLeftToRequester): void {
  const payment = Payment.load(event.params.jobId.toString());
  if (payment == null) return;
  payment.leftToRequester = true;
  payment.save();
}

export function handleBondDeposited(event: BondDeposited): void {
  const provider = loadProvider(event.params.provider, event);
  provider.bond = provider.bond.plus(event.params.amount);
  provider.save();
}

export function handleBondWithdrawn(event: BondWithdrawn): void {
  const provider = loadProvider(event.params.provider, event);
  provider.bond = provider.bond.minus(event.params.amount);
  provider.save();
}

export function handleRewardForwarded(event: RewardForwarded): void {
  const provider = loadProvider(event.params.provider, event);
  provider.rewards = provider.rewards.plus(event.params.amount);
  provider.save();
}
