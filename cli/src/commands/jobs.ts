import { OrangeError } from '@orange-cloud/sdk';
import { stage, withSession, type NetworkFlags } from '../context.js';
import { jobLine, paymentSummary, toJson } from '../format.js';

export interface JobsOptions extends NetworkFlags {
  json?: boolean;
}

/** `orange jobs`: my jobs, newest first. */
export async function jobs(opts: JobsOptions): Promise<void> {
  await withSession(opts, async (session) => {
    const jobs = await session.jobs();
    const terms = await session.market.paymentTerms();
    if (opts.json)
      process.stdout.write(
        toJson(jobs.map((job) => ({ ...job, ...paymentSummary(job.payment, terms) }))) + '\n',
      );
    else if (jobs.length === 0) console.log('No jobs yet. Run one with `npx orange run FILE`.');
    else for (const job of jobs) console.log(jobLine(job, terms));
  });
}

/** `orange output JOB`: the stored result of a job, fetched and decrypted; exits with its exit code. */
export async function output(jobId: string, opts: NetworkFlags): Promise<void> {
  await withSession(opts, async (session) => {
    const result = await session.result(BigInt(jobId));
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode ?? 1;
  });
}

/** `orange cancel JOB`: cancels a job that has not ended. */
export async function cancel(jobId: string, opts: NetworkFlags): Promise<void> {
  if (!/^\d+$/.test(jobId)) throw new OrangeError('INVALID_JOB_ID', `"${jobId}" is not a job id.`);
  await withSession(opts, async (session) => {
    await session.cancel(BigInt(jobId));
    stage(`job ${jobId} cancelled`);
  });
}
