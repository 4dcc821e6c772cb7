import type * as vscode from 'vscode';
import type { LocalRunRecord } from './job-model.js';

const KEY = 'orangeCloud.runs';
const KEEP = 500;

/**
 * Which file each job ran, per network and wallet, in the extension's global
 * state (no secrets: URIs and times). The chain has the rest.
 */
export class RunHistory {
  private readonly memento: vscode.Memento;
  private readonly listeners = new Set<() => void>();

  constructor(memento: vscode.Memento) {
    this.memento = memento;
  }

  private all(): Record<string, LocalRunRecord[]> {
    return this.memento.get<Record<string, LocalRunRecord[]>>(KEY, {});
  }

  list(scope: string): LocalRunRecord[] {
    return this.all()[scope] ?? [];
  }

  find(scope: string, jobId: bigint): LocalRunRecord | undefined {
    return this.list(scope).find((record) => record.jobId === String(jobId));
  }

  async save(scope: string, record: LocalRunRecord): Promise<void> {
    const all = this.all();
    const others = (all[scope] ?? []).filter((r) => r.jobId !== record.jobId);
    all[scope] = [record, ...others].slice(0, KEEP);
    await this.memento.update(KEY, all);
    for (const listener of this.listeners) listener();
  }

  /** Called after every save: the Jobs view redraws what only this machine knows (files). */
  onDidSave(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

/** Job ids restart on every devnet, so records are kept per market and wallet. */
export const historyScope = (marketAddress: string, chainId: number, wallet: string) =>
  `${chainId}:${marketAddress.toLowerCase()}:${wallet.toLowerCase()}`;
