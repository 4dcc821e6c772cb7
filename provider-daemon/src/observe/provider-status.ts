import type { Activity, RunningJob } from './activity.js';
import type { EndState } from './job-observer.js';
import type { ServedJob } from './served-jobs.js';

/** GET /status: the shape the extension and `orange-provider status` read (spec-12). */
export interface ProviderStatus {
  provider: string;
  /** The node is started and following the market. */
  online: boolean;
  /** The operator paused intake: quotes are declined PAUSED, running jobs go on. */
  paused: boolean;
  /** The provider's advertisement stands on the market. */
  registered: boolean;
  capacity: { cores: number; memoryMb: number; coresInUse: number; memoryMbInUse: number };
  running: RunningJob[];
  /** Newest first, at most 50. */
  served: ServedJob[];
  /**
   * `settledWei + incomingFlowRateWei x (now - at)` is what has been earned at `now` (Unix
   * seconds): the extension ticks it every second between polls.
   */
  earnings: { settledWei: string; incomingFlowRateWei: string; at: number };
  counts: Record<EndState, number>;
}

/** What the status is read from. */
export interface StatusSources {
  provider: string;
  online(): boolean;
  paused(): boolean;
  registered(): boolean;
  capacity(): ProviderStatus['capacity'];
  activity: Pick<Activity, 'running' | 'served' | 'snapshot' | 'incomingFlowRateWei'>;
  clock?: { nowMs(): number };
}

export const SERVED_LISTED = 50;

export function providerStatus(s: StatusSources): ProviderStatus {
  const nowMs = (s.clock ?? { nowMs: Date.now }).nowMs();
  return {
    provider: s.provider,
    online: s.online(),
    paused: s.paused(),
    registered: s.registered(),
    capacity: s.capacity(),
    running: s.activity.running(),
    served: s.activity.served.recent(SERVED_LISTED),
    earnings: {
      settledWei: s.activity.snapshot().settledWei.toString(),
      incomingFlowRateWei: s.activity.incomingFlowRateWei().toString(),
      at: Math.floor(nowMs / 1000),
    },
    counts: s.activity.served.counts(),
  };
}
