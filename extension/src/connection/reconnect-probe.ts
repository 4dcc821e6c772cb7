/** Timers the probe uses; tests pass fakes. */
export interface ProbeClock {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ReconnectProbeOptions {
  /** Resolves true once the network answers again; never throws for "still down". */
  probe: () => Promise<boolean>;
  /** Called once when a probe succeeds after `start()`. */
  onOnline: () => void;
  clock?: ProbeClock;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * While offline, asks the network again and again, waiting longer each time (1 s, 2 s, 4 s … at
 * most 30 s), and says when it answers: the views and the status bar come back by themselves.
 * One probe at a time; `stop()` or a success ends it.
 */
export class ReconnectProbe {
  private readonly options: Required<Omit<ReconnectProbeOptions, 'clock'>> & { clock: ProbeClock };
  private timer: unknown;
  private delay = 0;
  private active = false;
  /** Probes done since `start()`: what the tests and the log read. */
  attempts = 0;

  constructor(options: ReconnectProbeOptions) {
    this.options = {
      firstDelayMs: 1000,
      maxDelayMs: 30_000,
      clock: {
        setTimeout: (run, ms) => setTimeout(run, ms),
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      },
      ...options,
    };
  }

  get running(): boolean {
    return this.active;
  }

  /** Starts probing (no-op while already probing). */
  start() {
    if (this.active) return;
    this.active = true;
    this.attempts = 0;
    this.delay = this.options.firstDelayMs;
    this.schedule();
  }

  stop() {
    this.active = false;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule() {
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs);
    this.timer = this.options.clock.setTimeout(() => void this.tick(), wait);
  }

  private async tick() {
    this.timer = undefined;
    if (!this.active) return;
    this.attempts += 1;
    const up = await this.options.probe().catch(() => false);
    if (!this.active) return;
    if (up) {
      this.active = false;
      this.options.onOnline();
    } else {
      this.schedule();
    }
  }
}
