import { TextDecoder } from 'node:util';
import type { RunChannel } from './run-channels.js';

type Stream = 'stdout' | 'stderr';

/**
 * Writes the script's live output into its run channel as it arrives. Each
 * stream has its own UTF-8 decoder (a character can be split across
 * chunks) and its own pending partial line: stdout and stderr travel in
 * separate pipes, so Python's `print` (text, then "\n") can arrive with a
 * stderr line in between; holding partial lines keeps every line whole.
 * A partial line (a prompt, a progress bar) still shows after `flushMs`.
 */
export class LiveOutput {
  private readonly channel: RunChannel;
  private readonly decoders: Record<Stream, TextDecoder> = {
    stdout: new TextDecoder(),
    stderr: new TextDecoder(),
  };
  private readonly pending: Record<Stream, string> = { stdout: '', stderr: '' };
  private readonly flushMs: number;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly rewrite: (text: string) => string;
  private atLineStart = true;
  received = false;
  /** Everything each stream printed, as decoded (before any rewrite). */
  readonly printed: Record<Stream, string> = { stdout: '', stderr: '' };

  private readonly shown: () => void;

  /**
   * `rewrite` changes whole lines before they show (traceback paths made local); `shown` is
   * called whenever output reaches the channel (the run notes its first time).
   */
  constructor(
    channel: RunChannel,
    flushMs = 250,
    rewrite: (text: string) => string = (t) => t,
    shown: () => void = () => {},
  ) {
    this.channel = channel;
    this.flushMs = flushMs;
    this.rewrite = rewrite;
    this.shown = shown;
  }

  write(stream: Stream, data: Uint8Array) {
    const text = this.decoders[stream].decode(data, { stream: true });
    if (text === '') return;
    this.received = true;
    this.printed[stream] += text;
    const all = this.pending[stream] + text;
    const end = all.lastIndexOf('\n') + 1;
    this.pending[stream] = all.slice(end);
    if (end > 0) this.emit(all.slice(0, end));
    if (this.pending.stdout || this.pending.stderr) this.scheduleFlush();
  }

  /** Shows partial lines and ends them, so that the next stage line starts on its own. */
  endLine() {
    this.flushPartial();
    if (!this.atLineStart) this.channel.append('\n');
    this.atLineStart = true;
  }

  private emit(text: string) {
    this.channel.append(this.rewrite(text));
    this.shown();
    this.atLineStart = text.endsWith('\n');
  }

  private scheduleFlush() {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushPartial();
    }, this.flushMs);
  }

  private flushPartial() {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (!this.pending[stream]) continue;
      this.emit(this.pending[stream]);
      this.pending[stream] = '';
    }
  }
}
