import type { ContentStore, FetchLimits } from './content-store.js';

/**
 * A store that starts its underlying node on first use. Listing jobs or
 * providers needs only the chain, so a requester (the VS Code extension
 * above all) should not start an IPFS node until content is put or fetched.
 */
export class LazyContentStore implements ContentStore {
  private readonly create: () => Promise<ContentStore>;
  private started: Promise<ContentStore> | undefined;
  private store: ContentStore | undefined;

  constructor(create: () => Promise<ContentStore>) {
    this.create = create;
  }

  /** Whether the underlying node has been started. */
  get isStarted(): boolean {
    return this.started !== undefined;
  }

  private open(): Promise<ContentStore> {
    this.started ??= this.create().then(
      (store) => (this.store = store),
      (error: unknown) => {
        // A failed start (bad settings, port in use) may be retried after a fix.
        this.started = undefined;
        throw error;
      },
    );
    return this.started;
  }

  async put(bytes: Uint8Array): Promise<string> {
    return (await this.open()).put(bytes);
  }

  async get(cid: string, limits: FetchLimits): Promise<Uint8Array> {
    return (await this.open()).get(cid, limits);
  }

  addresses(): string[] {
    return this.store?.addresses() ?? [];
  }

  async connect(multiaddr: string): Promise<void> {
    return (await this.open()).connect(multiaddr);
  }

  async stop(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    this.store = undefined;
    if (started) await (await started.catch(() => undefined))?.stop();
  }
}
