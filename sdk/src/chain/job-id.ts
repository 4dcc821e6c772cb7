/**
 * A job's id is its provider's market index (assigned at its first registration) above the 64
 * bits of the offer's nonce (OrangeMarket.jobIdOf), so the job's own storage slot is the market's
 * replay guard. Ids are therefore not dense, do not count from 1 and say nothing about when a job
 * was hired; they exceed 2^53, so they stay bigints in code and decimal strings everywhere else.
 */
const NONCE_BITS = 64;

/** The nonce of the offer a job was hired with: the id's low 64 bits. */
export function offerNonceOfJob(jobId: bigint): bigint {
  return BigInt.asUintN(NONCE_BITS, jobId);
}

/** The job's provider's market index: the id above the nonce. */
export function providerIndexOfJob(jobId: bigint): bigint {
  return jobId >> BigInt(NONCE_BITS);
}

/**
 * Newest hire first, by the block it was hired in (ids do not tell: they are per provider); jobs
 * of one block by id, so that the order is stable.
 */
export function newestJobsFirst<T extends { jobId: bigint; postedBlock: bigint }>(
  jobs: readonly T[],
): T[] {
  const desc = (a: bigint, b: bigint) => (a === b ? 0 : a > b ? -1 : 1);
  return [...jobs].sort((a, b) => desc(a.postedBlock, b.postedBlock) || desc(a.jobId, b.jobId));
}
