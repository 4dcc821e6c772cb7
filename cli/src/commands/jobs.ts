import { OrangeError, checkOutputsParent } from '@orange-cloud/sdk';
import { stage, withSession, type NetworkFlags } from '../context.js';
import { jobLine, outputsLines, paymentSummary, toJson } from '../format.js';

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

export interface OutputOptions extends NetworkFlags {
  /** The folder returned files are saved under, in `<jobId>/` (default ./orange-out). */
  out: string;
}

/**
 * `orange output JOB`: the stored result of a job, fetched and decrypted, and the files it
 * returned saved again (in a fresh folder); exits with the job's exit code.
 */
export async function output(jobId: string, opts: OutputOptions): Promise<void> {
  checkJobId(jobId);
  await checkOutputsParent(opts.out);
  await withSession(opts, async (session) => {
    const result = await session.result(BigInt(jobId));
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode ?? 1;
    if (result.outputs) {
      const saved = await session.saveOutputs(BigInt(jobId), result.outputs, opts.out);
      for (const line of outputsLines(saved)) stage(line);
    }
  });
}

function checkJobId(jobId: string): void {
  if (!/^\d+$/.test(jobId)) throw new OrangeError('INVALID_JOB_ID', `"${jobId}" is not a job id.`);
}

/** `orange cancel JOB`: cancels a job that has not ended. */
export async function cancel(jobId: string, opts: NetworkFlags): Promise<void> {
  checkJobId(jobId);
  await withSession(opts, async (session) => {
    await session.cancel(BigInt(jobId));
    stage(`job ${jobId} cancelled`);
  });
}
