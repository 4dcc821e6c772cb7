import { TextDecoder } from 'node:util';
import type { RunChannel } from './run-channels.js';

type Stream = 'stdout' | 'stderr';

/**
 * Writes the script's live output into its run channel as it arrives. Each
 * stream has its own UTF-8 decoder (a character can be split across
 * chunks), and a stage line never starts in the middle of an output line.
 */
export class LiveOutput {
  private readonly channel: RunChannel;
  private readonly decoders: Record<Stream, TextDecoder> = {
    stdout: new TextDecoder(),
    stderr: new TextDecoder(),
  };
  private atLineStart = true;
  received = false;

  constructor(channel: RunChannel) {
    this.channel = channel;
  }

  write(stream: Stream, data: Uint8Array) {
    const text = this.decoders[stream].decode(data, { stream: true });
    if (text === '') return;
    this.received = true;
    this.channel.append(text);
    this.atLineStart = text.endsWith('\n');
  }

  /** Ends a partial output line so that the next stage line starts on its own. */
  endLine() {
    if (!this.atLineStart) this.channel.append('\n');
    this.atLineStart = true;
  }
}
