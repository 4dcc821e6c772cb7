import { OrangeError, checkOutputsParent, waitForJobEnd, type JobView } from '@orange-cloud/sdk';
import {
  openHistoryReader,
  stage,
  walletAddress,
  withSession,
  type HistoryFlags,
  type NetworkFlags,
} from '../context.js';
import { jobLine, outputsLines, paymentSummary, toJson } from '../format.js';
import { printJobOutput } from '../print-output.js';

export interface JobsOptions extends HistoryFlags {
  json?: boolean;
}

/** `orange jobs`: my jobs, newest first, from the chain's events or the market's subgraph. */
export async function jobs(opts: JobsOptions): Promise<void> {
  const requester = await walletAddress(opts.network);
  const { reader, market } = await openHistoryReader(opts);
  const { items: jobs } = await reader.jobsOf(requester);
  const terms = await market.paymentTerms();
  if (opts.json)
    process.stdout.write(
      toJson(jobs.map((job) => ({ ...job, ...paymentSummary(job.payment, terms) }))) + '\n',
    );
  else if (jobs.length === 0) console.log('No jobs yet. Run one with `npx orange run FILE`.');
  else for (const job of jobs) console.log(jobLine(job, terms));
}

export interface OutputOptions extends NetworkFlags {
  /** The folder returned files are saved under, in `<jobId>/` (default ./orange-out). */
  out: string;
}

/**
 * `orange output JOB`: waits for the job to end when it is still hired or running (a detached
 * run's job), then fetches and decrypts its stored result, prints it and saves the files it
 * returned (in a fresh folder); exits with the job's exit code. Ctrl+C stops waiting only.
 */
export async function output(jobId: string, opts: OutputOptions): Promise<void> {
  checkJobId(jobId);
  await checkOutputsParent(opts.out);
  await withSession(opts, async (session) => {
    await session.follow();
    const stop = new AbortController();
    const onSigint = () =>
      stop.abort(
        new OrangeError('ABORTED', `Stopped waiting for job ${jobId}; it goes on.`, {
          hint: `\`npx orange output ${jobId}\` fetches it later; \`npx orange cancel ${jobId}\` stops it.`,
        }),
      );
    process.once('SIGINT', onSigint);
    try {
      await waitForJobEnd(session, BigInt(jobId), {
        onStatus: (job) => stage(waitingLine(job)),
        onOverdue: (job) =>
          stage(
            `job ${job.jobId} is past its deadline while ${job.status}; \`npx orange cancel ${job.jobId}\` ends it`,
          ),
        signal: stop.signal,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    const result = await session.result(BigInt(jobId));
    printJobOutput(result);
    process.exitCode = result.exitCode ?? 1;
    if (result.outputs) {
      const saved = await session.saveOutputs(BigInt(jobId), result.outputs, opts.out);
      for (const line of outputsLines(saved)) stage(line);
    }
  });
}

/** "job 5 is running (since 12:00:01); waiting for it to end…": what `orange output` waits on. */
function waitingLine(job: JobView): string {
  const since =
    job.startedAt === undefined
      ? ''
      : ` (since ${new Date(job.startedAt * 1000).toLocaleTimeString()})`;
  const by = new Date(job.deadline * 1000).toLocaleTimeString();
  return `job ${job.jobId} is ${job.status}${since}; waiting for it to end (deadline ${by})…`;
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
