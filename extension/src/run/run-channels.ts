import type * as vscode from 'vscode';

/** One run's output channel and a copy of what it shows (the tests read it back). */
export class RunChannel {
  readonly channel: vscode.OutputChannel;
  readonly lines: string[] = [];
  jobId: bigint | undefined;
  fileName = '';
  /** The last stage reached, while the run is going. */
  stage = 'starting';
  /** What the run's progress notification says now. */
  progress = '';

  constructor(channel: vscode.OutputChannel) {
    this.channel = channel;
  }

  appendLine(line: string) {
    this.lines.push(line);
    this.channel.appendLine(line);
  }

  append(text: string) {
    this.lines.push(text);
    this.channel.append(text);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

const KEEP = 10;

/**
 * One output channel per run, so that two runs never interleave and Show
 * Output opens exactly that job's output. Only the last few are kept so the
 * Output panel's list stays short.
 */
export class RunChannels {
  private readonly vs: typeof vscode;
  private readonly channels: RunChannel[] = [];

  constructor(vs: typeof vscode) {
    this.vs = vs;
  }

  create(title: string): RunChannel {
    const run = new RunChannel(this.vs.window.createOutputChannel(`Orange Cloud: ${title}`));
    this.channels.push(run);
    while (this.channels.length > KEEP) this.channels.shift()?.channel.dispose();
    return run;
  }

  forJob(jobId: bigint): RunChannel | undefined {
    return this.channels.findLast((run) => run.jobId === jobId);
  }

  get last(): RunChannel | undefined {
    return this.channels.at(-1);
  }

  dispose() {
    for (const run of this.channels) run.channel.dispose();
    this.channels.length = 0;
  }
}
