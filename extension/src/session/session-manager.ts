import {
  OrangeError,
  RequesterSession,
  orangeHome,
  resolveNetwork,
  type MarketConnection,
  type MarketEvent,
} from '@orange-cloud/sdk';
import { storeConfig, type Settings } from '../settings/settings.js';
import type { WalletStore } from '../wallet/wallet-store.js';

export interface SessionManagerDeps {
  settings: () => Settings;
  wallet: WalletStore;
  /** Where the embedded IPFS node keeps its blocks and identity. */
  ipfsDirectory: string;
  log: (line: string) => void;
  /** The block watcher lost the chain (the devnet stopped, the RPC went away). */
  onWatchError?: (error: OrangeError) => void;
}

/**
 * Opens the requester session on first need (a run, the job view) and keeps
 * it: the embedded IPFS node and the block watcher start only then. Settings
 * or wallet changes close it; the next need opens a fresh one.
 */
export class SessionManager {
  private readonly deps: SessionManagerDeps;
  private opening: Promise<RequesterSession> | undefined;
  private session: RequesterSession | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(deps: SessionManagerDeps) {
    this.deps = deps;
  }

  /** The open session, if one is open; never opens one. */
  get current(): RequesterSession | undefined {
    return this.session;
  }

  /** The network connection the settings point at (reads the devnet state file on the devnet). */
  async connection(): Promise<MarketConnection> {
    const settings = this.deps.settings();
    return resolveNetwork(settings.network, orangeHome(), {
      ...(settings.rpcUrl ? { rpcUrl: settings.rpcUrl } : {}),
      ...(settings.marketAddress ? { marketAddress: settings.marketAddress } : {}),
    });
  }

  get(): Promise<RequesterSession> {
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async open(): Promise<RequesterSession> {
    const secret = await this.deps.wallet.require();
    const connection = await this.connection();
    this.deps.log(`connecting to ${this.deps.settings().network} at ${connection.rpcUrl}`);
    const session = await RequesterSession.open({
      connection,
      secret,
      store: storeConfig(this.deps.settings(), this.deps.ipfsDirectory),
    });
    try {
      await session.follow((error: OrangeError) => {
        this.deps.log(`watching the chain: ${error.userMessage}`);
        this.deps.onWatchError?.(error);
      });
    } catch (error) {
      await session.close();
      throw error;
    }
    // Closing the session stops its index, and with it these events.
    session.index.onEvent((event: MarketEvent) => {
      this.deps.log(`chain event ${event.eventName}`);
      this.fire();
    });
    this.session = session;
    this.deps.log(`session open for ${session.address}`);
    this.fire();
    return session;
  }

  /** Listeners hear about every applied chain event and every session change. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire() {
    for (const listener of this.listeners) listener();
  }

  /** Closes the session (settings or wallet changed); the next `get()` opens a new one. */
  async reset(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    const session = await opening?.catch(() => undefined);
    if (this.session === session) this.session = undefined;
    await session?.close();
    this.fire();
  }

  async dispose(): Promise<void> {
    await this.reset();
    this.listeners.clear();
  }
}
