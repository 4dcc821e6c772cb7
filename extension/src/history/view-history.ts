import {
  openHistory,
  subgraphUrlFor,
  type HistoryReader,
  type RequesterSession,
} from '@orange-cloud/sdk';
import type { Settings } from '../settings/settings.js';

/** The reads the Jobs and Providers views make: each says which source answered. */
export type ViewReader = Pick<HistoryReader, 'jobsOf' | 'activeProviders'>;

/** What a view reads through: the session's chain index and, when configured, the subgraph. */
export type ViewSession = Pick<RequesterSession, 'market' | 'index'>;

export interface ViewHistoryDeps {
  settings: () => Pick<Settings, 'network' | 'subgraphUrl'>;
  /** The Orange Cloud log: which source the views read, and why a read fell back. */
  log: (line: string) => void;
  /** The SDK's openHistory (the same interface as `orange jobs`); a fake in tests. */
  open?: (options: Parameters<typeof openHistory>[0]) => ViewReader;
}

/**
 * The history reader of the Jobs and Providers views, one per session: chain events by default
 * (the session's own index, already following the chain), the subgraph first when the network
 * preset or `orangeCloud.subgraphURL` gives one. A settings change opens a new session, and so
 * a new reader.
 */
export class ViewHistory {
  private readonly readers = new WeakMap<ViewSession, ViewReader>();

  constructor(private readonly deps: ViewHistoryDeps) {}

  readerFor(session: ViewSession): ViewReader {
    let reader = this.readers.get(session);
    if (!reader) {
      reader = this.open(session);
      this.readers.set(session, reader);
    }
    return reader;
  }

  private open(session: ViewSession): ViewReader {
    const settings = this.deps.settings();
    const subgraphUrl = subgraphUrlFor(settings.network, settings.subgraphUrl);
    const log = (line: string) => this.deps.log(`job history: ${line}`);
    if (subgraphUrl)
      log(`reading the subgraph at ${subgraphUrl}, and the chain's events when it lags or fails`);
    return (this.deps.open ?? openHistory)({
      market: session.market,
      index: session.index,
      subgraphUrl,
      log,
    });
  }
}
