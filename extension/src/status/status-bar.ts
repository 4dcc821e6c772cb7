import type * as vscode from 'vscode';
import { formatDuration, shortAddress } from '../run/format.js';

/**
 * "$(cloud) devnet · 0x12ab…cdef" and, while runs are going, their elapsed
 * time. Clicking opens the job view.
 */
export class StatusBar {
  private readonly item: vscode.StatusBarItem;
  private network = '';
  private address: string | undefined;
  private readonly runs = new Map<string, { name: string; startedAt: number }>();
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(vs: typeof vscode, openViewCommand: string) {
    this.item = vs.window.createStatusBarItem('orangeCloud.status', vs.StatusBarAlignment.Left, 10);
    this.item.name = 'Orange Cloud';
    this.item.command = openViewCommand;
  }

  setAccount(network: string, address: string | undefined) {
    this.network = network;
    this.address = address;
    this.render();
  }

  runStarted(id: string, name: string) {
    this.runs.set(id, { name, startedAt: Date.now() });
    // The clock only ticks while something runs: no timer when idle.
    this.ticker ??= setInterval(() => this.render(), 1000);
    this.render();
  }

  runEnded(id: string) {
    this.runs.delete(id);
    if (this.runs.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.render();
  }

  private render() {
    const account = this.address ? shortAddress(this.address) : 'no wallet';
    const [first] = this.runs.values();
    if (first) {
      const elapsed = formatDuration(Date.now() - first.startedAt);
      const more = this.runs.size > 1 ? ` (+${this.runs.size - 1})` : '';
      this.item.text = `$(sync~spin) ${first.name} ${elapsed}${more}`;
    } else {
      this.item.text = `$(cloud) ${this.network} · ${account}`;
    }
    this.item.tooltip = `Orange Cloud on ${this.network}, wallet ${this.address ?? 'not set up'}. Click to show your jobs.`;
    this.item.show();
  }

  dispose() {
    if (this.ticker) clearInterval(this.ticker);
    this.item.dispose();
  }
}
