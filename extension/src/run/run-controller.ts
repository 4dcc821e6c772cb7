import { existsSync } from 'node:fs';
import type * as vscode from 'vscode';
import {
  interleavedOutput,
  isOrangeError,
  quoteMarket,
  releaseMarketOffers,
  runningCostText,
  type PackedPayload,
  type PreparedJob,
  type RunOutcome,
  type RunStage,
  type SavedOutputs,
} from '@orange-cloud/sdk';
import type { SessionManager } from '../session/session-manager.js';
import type { Settings } from '../settings/settings.js';
import type { Notifier } from '../errors/notifier.js';
import type { StatusBar } from '../status/status-bar.js';
import { historyScope, type RunHistory } from '../jobs/run-history.js';
import { asBlock, doneLine, jobLine, noteText, runningLine, stageLine } from './format.js';
import { localTracebackPaths } from './traceback-paths.js';
import { unshownOutput } from './verified-output.js';
import { confirmQuote } from './confirm-quote.js';
import { defaultRunOptions, type RunOptions } from './run-options.js';
import { askRunOptions } from './ask-run-options.js';
import { askRuntime } from './ask-runtime.js';
import { RunChannels, type RunChannel } from './run-channels.js';
import { scriptSource, type ScriptSource } from './script-source.js';
import { LiveOutput } from './live-output.js';
import { preparedLine, type EditorProject, type PreparedRun } from '../project/editor-project.js';
import { ReturnedFiles } from '../outputs/returned-files.js';

export interface RunControllerDeps {
  sessions: SessionManager;
  settings: () => Settings;
  notifier: Notifier;
  statusBar: StatusBar;
  history: RunHistory;
  log: vscode.LogOutputChannel;
  /** Packs what a run sends, as the editor holds it. */
  project: EditorProject;
}

/** How the last run went, for the end-to-end tests (and nothing else). */
export interface RunReport {
  fileName: string;
  jobId: string | undefined;
  status: string;
  exitCode: number | null;
  output: string;
  /** What went: the project folder, how many files, sealed size, which were unsaved. */
  project?: { root: string; files: number; sealedBytes: number; unsaved: string[] };
  /** The returned files as saved on disk (absolute paths). */
  outputs?: string[];
  /** The images opened in editor tabs when the run ended. */
  openedImages?: string[];
  /** From the click to the first line of the program's output in the channel (for the bench). */
  firstOutputMs?: number;
}

const STAGE_MESSAGES: Partial<Record<RunStage['stage'], string>> = {
  quoted: 'sealing…',
  waiting: 'waiting for a busy provider to free up…',
  sealed: 'sealed, posting…',
  posted: 'hired, waiting for the start…',
  accepted: 'starting…',
  rehiring: 'hiring another provider…',
  running: 'running…',
  finished: 'fetching the result…',
};

/**
 * Runs a file: options, a cancellable progress notification, one output
 * channel per run with stage lines then stdout/stderr, the status bar clock
 * and, while a paid run runs, its cost so far. The protocol itself is the
 * SDK's `session.run`.
 */
export class RunController {
  private readonly vs: typeof vscode;
  private readonly deps: RunControllerDeps;
  readonly channels: RunChannels;
  private readonly returned: ReturnedFiles;
  /** Runs in flight, by output channel; aborting one cancels its job on chain. */
  private readonly active = new Map<RunChannel, AbortController>();
  lastReport: RunReport | undefined;

  constructor(vs: typeof vscode, deps: RunControllerDeps) {
    this.vs = vs;
    this.deps = deps;
    this.channels = new RunChannels(vs);
    this.returned = new ReturnedFiles(vs);
  }

  /** Runs the target (or the active editor) with the settings' defaults, or asks first. */
  async runFile(target: vscode.Uri | undefined, ask: boolean): Promise<RunReport | undefined> {
    // Durations count from the click, as the user waits from there.
    const clickedAt = Date.now();
    const settings = this.deps.settings();
    const source = await scriptSource(this.vs, target);
    // Pack and check before touching wallet, chain or IPFS: a refused project loses nothing.
    const prepared = await this.deps.project.prepare(source, settings);
    // Amounts are in the market's token: its decimals turn the price ceiling into wei.
    const session = await this.deps.sessions.get();
    const tokens = await session.market.paymentTerms();
    let options = defaultRunOptions(settings, tokens);
    if (ask) {
      const largest = session.index.activeProviders().reduce((max, p) => Math.max(max, p.cores), 0);
      const chosen = await askRunOptions(this.vs, options, largest || undefined, tokens);
      if (!chosen) return undefined;
      const picked = await askRuntime(
        this.vs,
        prepared.project.payload.entrypoint,
        session.index.activeProviders().flatMap((p) => p.runtimes.map((name) => ({ name }))),
      );
      if (picked === null) return undefined;
      // The runtime picked, or the one the file and its imports need (refused here, before
      // posting, when none is offered), then the most it can cost on it: the SDK quotes without
      // a transaction. The wheels then, for the Python and platform its providers advertise.
      const ready = await session.prepare(
        picked === undefined ? {} : { runtime: picked },
        prepared.project,
        prepared.dependencies,
      );
      const { runtime } = ready;
      const asked = {
        runtime: runtime.runtime,
        cores: chosen.cores,
        memoryMb: chosen.memoryMb,
        timeoutSec: chosen.timeoutSec,
        ...(chosen.maxPricePerCoreSecond === undefined
          ? {}
          : { maxPricePerCoreSecond: chosen.maxPricePerCoreSecond }),
      };
      // Every provider's signed offer, or why it would not take the run (the match preview).
      const matches = await quoteMarket(session, asked);
      const terms = await session.market.paymentTerms();
      // When no provider fits, the preview alone says why each would not take it.
      const offered = matches.some((m) => m.status === 'offer');
      const quote = await session.quote(asked).catch((error: unknown) => {
        if (offered || !isOrangeError(error)) throw error;
        return undefined;
      });
      let choice;
      try {
        choice = await confirmQuote(
          this.vs,
          source.fileName,
          chosen,
          quote,
          preparedLine(prepared, ready.payload),
          runtime,
          { matches, terms, nowSec: Math.floor(Date.now() / 1000) },
        );
      } finally {
        // The preview's offers go back, the picked one too: the run asks its provider again,
        // and a 1-core provider still holding this offer would decline it (CAPACITY).
        await releaseMarketOffers(session, matches);
      }
      if (!choice) return undefined;
      options = { ...chosen, provider: choice.provider };
      return this.run(source, prepared, options, settings, clickedAt, ready);
    }
    return this.run(source, prepared, options, settings, clickedAt);
  }

  /** Re-runs a file with given options (the job tree's Re-run). */
  async rerun(uri: vscode.Uri, options: RunOptions): Promise<RunReport | undefined> {
    const clickedAt = Date.now();
    const settings = this.deps.settings();
    const source = await scriptSource(this.vs, uri);
    const prepared = await this.deps.project.prepare(source, settings);
    return this.run(source, prepared, options, settings, clickedAt);
  }

  /** True when the job is one of this window's runs; its run is then aborted (and cancelled on chain). */
  abortJob(jobId: bigint): boolean {
    for (const [channel, controller] of this.active) {
      if (channel.jobId === jobId) {
        controller.abort();
        return true;
      }
    }
    return false;
  }

  /** Runs in flight, the stage each has reached and what its progress says (for the end-to-end tests). */
  inFlight(): { fileName: string; jobId: string | undefined; stage: string; progress: string }[] {
    return [...this.active.keys()].map((channel) => ({
      fileName: channel.fileName,
      jobId: channel.jobId === undefined ? undefined : String(channel.jobId),
      stage: channel.stage,
      progress: channel.progress,
    }));
  }

  /** The editor's stop button: aborts every run of this window. */
  stopAll(): number {
    for (const controller of this.active.values()) controller.abort();
    return this.active.size;
  }

  /**
   * Runs a prepared project; `ready` is its payload and runtime when Run with Options chose
   * them already, else they are chosen here (one read of the market either way).
   */
  private async run(
    source: ScriptSource,
    prepared: PreparedRun,
    options: RunOptions,
    settings: Settings,
    clickedAt: number,
    ready?: PreparedJob,
  ) {
    const session = await this.deps.sessions.get();
    // Read once per market (the SDK caches it): stage lines show amounts in its token.
    const terms = await session.market.paymentTerms();
    const channel = this.channels.create(`${source.fileName} ${new Date().toLocaleTimeString()}`);
    channel.fileName = source.fileName;
    channel.channel.show(true); // keep the focus in the editor
    const controller = new AbortController();
    const runKey = `${source.uri}#${Date.now()}`;
    this.active.set(channel, controller);
    await this.setRunning();
    this.deps.statusBar.runStarted(runKey, source.fileName);
    const t0 = clickedAt;
    // "[Running] … (2 cores, at most …)" opens the channel once the quote gives the ceiling;
    // what comes before it (the [Project] line) waits for it.
    let opened = false;
    const held: string[] = [];
    const open = (ceiling?: Parameters<typeof runningLine>[2]) => {
      if (opened) return;
      opened = true;
      channel.appendLine(runningLine(source.fileName, options.cores, ceiling));
      for (const line of held.splice(0)) channel.appendLine(line);
    };
    const note = (line: string) => (opened ? channel.appendLine(line) : held.push(line));
    /** Every stage, with the protocol's details, goes to the Orange Cloud log. */
    const logStage = (stage: Parameters<typeof stageLine>[0]) =>
      this.deps.log.info(
        `${source.fileName}${channel.jobId === undefined ? '' : ` job #${channel.jobId}`}: ${stageLine(stage, Date.now() - t0, { timeoutSec: options.timeoutSec, terms })}`,
      );
    let postedTx: string | undefined;
    const report: RunReport = {
      fileName: source.fileName,
      jobId: undefined,
      status: 'failed',
      exitCode: null,
      output: '',
    };
    /** What goes, once final, before anything is sealed or posted. */
    const sending = (payload: PackedPayload) => {
      note(`[Project] ${preparedLine(prepared, payload)}`);
      report.project = {
        root: payload.root,
        files: payload.summary.files,
        sealedBytes: payload.summary.sealedBytes,
        unsaved: payload.unsaved ?? [],
      };
    };
    if (ready) sending(ready.payload);
    // The provider names traceback frames project-relative; the local paths make them links.
    const localPaths = (text: string) =>
      localTracebackPaths(text, prepared.project.packed.root, existsSync);
    const outputShown = () => {
      report.firstOutputMs ??= Date.now() - t0;
    };
    const live = new LiveOutput(channel, undefined, localPaths, outputShown);
    // Ticks every second while a paid run runs; cleared when it finishes, however it ends.
    let costTicker: ReturnType<typeof setInterval> | undefined;
    const scope = historyScope(
      session.market.address,
      session.market.connection.chainId,
      session.address,
    );
    try {
      const outcome = await this.vs.window.withProgress(
        {
          location: this.vs.ProgressLocation.Notification,
          title: `Orange Cloud: ${source.fileName}`,
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          const say = (message: string) => {
            channel.progress = message;
            progress.report({ message });
          };
          let job = ready;
          if (!job) {
            say('choosing the runtime…');
            // The runtime from the imports and the market, then the wheels for what it advertises.
            job = await session.prepare(
              options.provider === undefined ? {} : { provider: options.provider },
              prepared.project,
              {
                ...prepared.dependencies,
                onFetch: () => say('fetching dependency wheels with pip…'),
                ...(prepared.dependencies.npm && {
                  npm: {
                    ...prepared.dependencies.npm,
                    onPrepare: () => say('installing package.json dependencies with npm…'),
                  },
                }),
              },
            );
            sending(job.payload);
          }
          say('checking the price and your payments…');
          return session.run(
            {
              fileName: source.fileName,
              source: source.bytes ?? new TextEncoder().encode(source.text),
              payload: job.payload,
              chosenRuntime: job.runtime,
              // The SDK checks it writable before posting and saves the files in it at the end.
              outputsDir: prepared.outputsRoot,
              cores: options.cores,
              memoryMb: options.memoryMb,
              timeoutSec: options.timeoutSec,
              ...(options.maxPricePerCoreSecond === undefined
                ? {}
                : { maxPricePerCoreSecond: options.maxPricePerCoreSecond }),
              ...(options.provider === undefined ? {} : { provider: options.provider }),
              waitForProviderSec: settings.waitForProviderSec,
              signal: controller.signal,
            },
            (stage) => {
              if (stage.stage === 'output') {
                live.write(stage.stream, stage.data);
                return;
              }
              live.endLine();
              channel.stage = stage.stage;
              logStage(stage);
              if (stage.stage === 'quoted') {
                open({ maxCostWei: stage.quote.maxCostWei, rateWei: stage.quote.rateWei, terms });
              }
              if (stage.stage === 'posted') postedTx = stage.txHash;
              if (stage.stage === 'accepted') {
                note(jobLine(stage.jobId, stage, postedTx, terms));
              }
              if (
                stage.stage === 'rehiring' ||
                stage.stage === 'waiting' ||
                stage.stage === 'notice'
              ) {
                note(`[Note] ${noteText(stage)}`);
              }
              const message = STAGE_MESSAGES[stage.stage];
              if (message) say(message);
              if (stage.stage === 'running' && stage.rateWei > 0n) {
                const { rateWei, startedAt } = stage;
                const tick = () =>
                  say(`running… ${runningCostText(rateWei, startedAt, Date.now(), terms)}`);
                tick();
                costTicker = setInterval(tick, 1000);
                this.deps.statusBar.runPayment(runKey, { rateWei, startedAt, terms });
              }
              if (stage.stage === 'finished') {
                clearInterval(costTicker);
                this.deps.statusBar.runPayment(runKey, undefined);
              }
              if (stage.stage === 'posted') {
                channel.jobId = stage.jobId;
                report.jobId = String(stage.jobId);
                void this.deps.history.save(scope, {
                  jobId: String(stage.jobId),
                  fileUri: source.uri,
                  fileName: source.fileName,
                  postedAt: new Date().toISOString(),
                });
              }
            },
          );
        },
      );
      live.endLine();
      open();
      this.writeOutcome(channel, outcome, live.printed, localPaths, outputShown);
      const saved = this.showOutputs(channel, outcome, settings);
      channel.appendLine(doneLine(outcome, Date.now() - t0));
      Object.assign(report, { status: outcome.status, exitCode: outcome.exitCode });
      if (saved) report.outputs = saved.files.map((file) => file.savedPath);
      await this.deps.history.save(scope, {
        jobId: String(outcome.jobId),
        fileUri: source.uri,
        fileName: source.fileName,
        postedAt:
          this.deps.history.find(scope, outcome.jobId)?.postedAt ?? new Date(t0).toISOString(),
        finishedAt: new Date().toISOString(),
        ...(saved?.dir === undefined
          ? {}
          : {
              outputs: {
                dir: saved.dir,
                files: saved.files.map(({ path, bytes }) => ({ path, bytes })),
              },
            }),
      });
      this.notifyOutcome(channel, outcome);
      if (saved && settings.outputs.openImages) {
        report.openedImages = await this.returned.openImages(saved);
      }
    } catch (error) {
      live.endLine();
      open();
      if (controller.signal.aborted && channel.jobId === undefined) {
        // Cancelled while choosing a provider (e.g. waiting for a busy one): not an error.
        channel.appendLine('[Cancelled] before anything was posted; nothing was paid');
      } else {
        channel.appendLine(`[Error] ${error instanceof Error ? error.message : String(error)}`);
        void this.deps.notifier.showError(error);
      }
    } finally {
      clearInterval(costTicker);
      this.active.delete(channel);
      this.deps.statusBar.runEnded(runKey);
      await this.setRunning();
      report.output = channel.text;
      this.lastReport = report;
    }
    return report;
  }

  /**
   * Lists the files the SDK saved for the job. A refusal (a broken or hostile archive, a folder
   * that failed) is shown (and notified once, by notifyOutcome) but does not undo the run: its
   * output and cost stand.
   */
  private showOutputs(
    channel: RunChannel,
    outcome: RunOutcome,
    settings: Settings,
  ): SavedOutputs | undefined {
    if (outcome.outputsError) {
      channel.appendLine(`[Error] returned files: ${outcome.outputsError.message}`);
    }
    if (outcome.outputs) {
      this.returned.list(outcome.outputs, channel, settings.outputs.openImages);
    }
    return outcome.outputs;
  }

  /**
   * The verified result from IPFS where the live stream (signed event by event) did not
   * already show it: nothing again when it did (a cancelled run's output appears once),
   * the tail it missed, or all of it, marked, when the two disagree.
   */
  private writeOutcome(
    channel: RunChannel,
    outcome: RunOutcome,
    live: { stdout: string; stderr: string },
    localPaths: (text: string) => string,
    outputShown: () => void,
  ) {
    if (outcome.result && outcome.live?.complete !== true) {
      const verified = { stdout: outcome.stdout ?? '', stderr: outcome.stderr ?? '' };
      const unshown = unshownOutput(live, verified);
      const shown =
        unshown.kind === 'rest' ? unshown.rest : unshown.kind === 'differs' ? verified : undefined;
      if (unshown.kind === 'differs') {
        channel.appendLine('[Result] the verified output from IPFS differs from the live one:');
      }
      if (shown && (shown.stdout || shown.stderr)) outputShown();
      if (shown && (unshown.kind === 'differs' || (live.stdout === '' && live.stderr === ''))) {
        // Nothing of it was shown live: all of it, in the order the program printed it.
        for (const piece of interleavedOutput(outcome.result))
          channel.append(asBlock(piece.stream === 'stderr' ? localPaths(piece.text) : piece.text));
      } else {
        if (shown?.stdout) channel.append(asBlock(shown.stdout));
        if (shown?.stderr) channel.append(asBlock(localPaths(shown.stderr)));
      }
    }
    if (outcome.result?.outputTruncated) channel.appendLine('[output truncated by the provider]');
  }

  /**
   * One notification at most, and none when the output channel, shown from the click,
   * already says it all: a completed run (whatever its exit code) and a cancelled one end
   * with their [Done] line; a run that failed or expired, or whose returned files were
   * refused, says so once.
   */
  private notifyOutcome(channel: RunChannel, outcome: RunOutcome) {
    if (outcome.status === 'completed' || outcome.status === 'cancelled') {
      if (outcome.outputsError) void this.deps.notifier.showError(outcome.outputsError);
      return;
    }
    const why = outcome.failureReason ? `: ${outcome.failureReason}` : '';
    const show = 'Show Output';
    void this.vs.window
      .showWarningMessage(`Orange Cloud: job #${outcome.jobId} ${outcome.status}${why}.`, show)
      .then((picked) => {
        if (picked === show) channel.channel.show();
      });
  }

  private async setRunning() {
    await this.vs.commands.executeCommand(
      'setContext',
      'orangeCloud.running',
      this.active.size > 0,
    );
  }

  dispose() {
    this.stopAll();
    this.channels.dispose();
  }
}
