import { basename } from 'node:path';
import type { Address } from 'viem';
import {
  checkOutputsParent,
  costText,
  dependencySummaryLine,
  projectSummaryLine,
  quoteLine,
  runningCostLine,
  runningLine,
  runtimeChoiceLines,
  waitingText,
  type DetachedOutcome,
  type PackedPayload,
  type RuntimeChoice,
  type RunOutcome,
  type RunResult,
  type RunStage,
} from '@orange-cloud/sdk';
import { stage, withSession, type NetworkFlags } from '../context.js';
import { packFile, type PackFlags } from '../pack-file.js';
import { outputsLines, paymentSummary, toJson } from '../format.js';
import { printJobOutput } from '../print-output.js';

export interface RunOptions extends NetworkFlags, PackFlags {
  cpus: number;
  memory: number;
  timeout: number;
  maxPrice?: bigint;
  provider?: Address;
  /** Seconds to wait for a busy provider to free up. */
  wait: number;
  /**
   * Return once the job is hired and its provider holds the sealed project: print its id;
   * `orange output JOBID` fetches the result.
   */
  detach?: boolean;
  json?: boolean;
}

/** `orange run FILE`: runs it on a provider, streams its output, exits with its exit code. */
export async function run(file: string, opts: RunOptions): Promise<void> {
  const json = Boolean(opts.json);
  const say = json ? () => {} : stage;
  const { source, project, dependencies } = await packFile(file, opts, say);
  await checkOutputsParent(opts.out);
  // With nothing declared, what goes is final already: shown before any network work.
  // What is declared (wheels, an npm tree) is packed with the runtime: say what goes then.
  const packedLater = project.declared !== undefined || project.npm !== undefined;
  if (!packedLater) say(projectSummaryLine(project.packed.summary));
  let payload = project.packed;
  let streamed = false;
  let runtime: RuntimeChoice | undefined;
  let ticker: NodeJS.Timeout | undefined;
  /** What the run printed: a detached job's id and how to fetch it, or the whole outcome. */
  const report = (result: RunResult) => {
    if (result.status === 'detached') return detachedReport(result, json);
    const outcome = result;
    if (json) process.stdout.write(toJson(runJson(outcome, payload, runtime)) + '\n');
    else {
      if (!outcome.live?.complete) {
        // Live output was missing or partial: print the verified result instead. A complete
        // live stream was checked event by event and is what the outcome shows anyway.
        if (streamed) stage('the complete output, from the verified result:');
        printJobOutput(outcome.result ?? outcome);
      }
      closingLines(outcome, opts);
    }
    process.exitCode = outcome.status === 'completed' ? (outcome.exitCode ?? 1) : 1;
    // Returned files that were refused fail the command like any other protocol error.
    if (outcome.outputsError) {
      if (!json) throw outcome.outputsError;
      process.exitCode = 2;
    }
  };
  await withSession(opts, async (session) => {
    // Ctrl+C cancels the job on chain (the provider stops it) instead of orphaning it.
    const giveUp = new AbortController();
    let posted = false;
    process.once('SIGINT', () => {
      stage('cancelling…');
      giveUp.abort();
    });
    try {
      await session.follow();
      // The runtime first (imports and the market), then the wheels for what it advertises.
      const prepared = await session.prepare(
        { provider: opts.provider, ...(opts.runtime ? { runtime: opts.runtime } : {}) },
        project,
        dependencies,
      );
      payload = prepared.payload;
      if (packedLater) say(projectSummaryLine(payload.summary));
      const dependencyLine = dependencySummaryLine(payload.summary);
      if (dependencyLine) say(dependencyLine);
      const paymentTerms = await session.market.paymentTerms();
      const request = {
        fileName: basename(file),
        source,
        payload,
        chosenRuntime: prepared.runtime,
        cores: opts.cpus,
        memoryMb: opts.memory,
        timeoutSec: opts.timeout,
        maxPricePerCoreSecond: opts.maxPrice,
        provider: opts.provider,
        waitForProviderSec: opts.wait,
        ...(opts.runtime ? { runtime: opts.runtime } : {}),
        outputsDir: opts.out,
        signal: giveUp.signal,
      };
      const onStage = (s: RunStage) => {
        switch (s.stage) {
          case 'quoted':
            if (s.runtime) {
              runtime = s.runtime;
              for (const line of runtimeChoiceLines(s.runtime)) say(line);
            }
            return say(quoteLine(s.quote, opts.timeout));
          case 'waiting':
            return say(waitingText(s.busyProviders, s.waitSec));
          case 'posted':
            posted = true;
            return say(`posted job ${s.jobId}`);
          case 'accepted':
            return say(`hired ${s.provider}`);
          case 'rehiring':
            return say(
              `${s.provider} did not start job ${s.jobId} in time; it expired, hiring another provider (hire ${s.attempt})`,
            );
          case 'running': {
            say(runningLine(s.rateWei, paymentTerms));
            if (s.rateWei === 0n) return;
            // The running cost, for a run long enough to wonder about it.
            const { rateWei, startedAt } = s;
            ticker = setInterval(
              () => say(runningCostLine(rateWei, startedAt, Date.now(), paymentTerms)),
              10_000,
            );
            ticker.unref();
            return;
          }
          case 'output':
            if (json) return;
            streamed = true;
            return (s.stream === 'stdout' ? process.stdout : process.stderr).write(s.data);
          case 'notice':
            return say(s.message);
          case 'finished':
            clearInterval(ticker);
            // A completed run gets its own closing line with duration and exit code.
            return s.status === 'completed' ? undefined : say(s.status);
        }
      };
      // Detached: back once the hire is mined and the sealed project handed to the provider;
      // `orange output JOBID` fetches the result.
      report(
        opts.detach ? await session.submit(request, onStage) : await session.run(request, onStage),
      );
    } catch (error) {
      // Ctrl+C before the hire (e.g. while waiting for a busy provider) is not an error.
      if (!giveUp.signal.aborted || posted) throw error;
      stage('cancelled before anything was posted; nothing was paid');
      process.exitCode = 130;
    } finally {
      clearInterval(ticker);
    }
  });
}

/**
 * A detached run: the job is hired, its provider holds the sealed project, and it runs without
 * this process. `--json` prints only `{"jobId": "…"}`; the terminal says how to fetch the result.
 */
function detachedReport(detached: DetachedOutcome, json: boolean): void {
  const { jobId } = detached;
  if (json) process.stdout.write(toJson({ jobId }) + '\n');
  else {
    process.stdout.write(`${jobId}\n`);
    // A hand-over already said so (a notice); without one, the run waited for the start.
    if (!detached.handedOver) stage(`job ${jobId} has started and runs without this terminal`);
    stage(`its output, when it ends: npx orange output ${jobId}`);
  }
  process.exitCode = 0;
}

/** The one object `orange run --json` prints. */
function runJson(outcome: RunOutcome, payload: PackedPayload, runtime: RuntimeChoice | undefined) {
  const r = outcome.result;
  return {
    jobId: outcome.jobId,
    runtime: runtime ? { name: runtime.runtime, reason: runtime.reason } : null,
    project: {
      root: payload.root,
      files: payload.summary.files,
      sealedBytes: payload.summary.sealedBytes,
      dependencies: payload.summary.dependencies
        ? {
            source: payload.summary.dependencies.source,
            requirements: payload.summary.dependencies.requirements,
            fromRuntime: payload.summary.dependencies.fromRuntime ?? [],
            wheels: payload.summary.dependencies.wheels.map((w) => ({
              file: w.path,
              bytes: w.bytes,
            })),
            cached: payload.summary.dependencies.cached,
          }
        : null,
      npm: payload.summary.npm ?? null,
    },
    status: outcome.status,
    exitCode: outcome.exitCode,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    provider: outcome.provider ?? null,
    manifestCid: outcome.manifestCid,
    resultCid: outcome.resultCid ?? null,
    outputTruncated: r?.outputTruncated ?? false,
    timedOut: r?.timedOut ?? false,
    outOfMemory: r?.outOfMemory ?? false,
    failureReason: outcome.failureReason ?? null,
    durationMs: r?.timings.durationMs ?? null,
    installMs: r?.timings.installMs ?? null,
    ...outputsJson(outcome),
    expiredHires: outcome.expiredHires.map(String),
    live: outcome.live
      ? {
          complete: outcome.live.complete,
          matchesResult: outcome.live.matchesResult ?? null,
          reason: outcome.live.reason ?? null,
        }
      : null,
    timings: outcome.timings,
    gasUsed: outcome.gasUsed,
    ...paymentSummary(outcome.payment, outcome.paymentTerms),
  };
}

/** The returned files in `--json`: what was saved, where, and what did not come back. */
function outputsJson(outcome: RunOutcome) {
  const saved = outcome.outputs;
  const error = outcome.outputsError;
  return {
    outputs: (saved?.files ?? []).map(({ path, bytes, sha256 }) => ({ path, bytes, sha256 })),
    outputsDir: saved?.dir ?? null,
    outputsSkipped: saved?.skipped ?? outcome.result?.outputs?.skipped ?? [],
    outputsTruncated: outcome.result?.outputs?.truncated ?? false,
    outputsPartial: outcome.result?.outputs?.partial ?? false,
    outputsError: error
      ? { code: error.code, message: error.message, hint: error.hint ?? null }
      : null,
  };
}

/** How the run ended: limits hit, returned files, duration and exit code, what it cost. */
function closingLines(outcome: RunOutcome, opts: RunOptions): void {
  const r = outcome.result;
  if (r?.outputTruncated) stage("output was truncated at the provider's output limit");
  if (r?.timedOut) stage(`killed at the ${opts.timeout} s timeout`);
  if (r?.outOfMemory) stage(`killed: out of memory (${opts.memory} MB)`);
  if (outcome.failureReason) stage(`failed: ${outcome.failureReason}`);
  if (outcome.outputs) for (const line of outputsLines(outcome.outputs)) stage(line);
  if (r) {
    const install =
      r.timings.installMs !== undefined
        ? ` (${(r.timings.installMs / 1000).toFixed(2)} s installing dependencies)`
        : '';
    stage(
      `${outcome.status} in ${(r.timings.durationMs / 1000).toFixed(2)} s${install}, exit code ${outcome.exitCode}`,
    );
  }
  if (outcome.payment?.stopped) stage(costText(outcome.payment, outcome.paymentTerms));
}
