import type * as vscode from 'vscode';
import { formatRate, runningCostText, type TokenTerms } from '@orange-cloud/sdk';
import { formatDuration, shortAddress } from '../run/format.js';

/** A paid run's flow, from its 'running' stage. */
export interface RunPayment {
  rateWei: bigint;
  /** Unix seconds of the block that started the job (and its flow). */
  startedAt: number;
  terms: TokenTerms;
}

/**
 * "$(cloud) devnet · 0x12ab…cdef" and, while runs are going, their elapsed
 * time, or for a paid run that is running its cost so far. Clicking opens
 * the job view.
 */
export class StatusBar {
  private readonly item: vscode.StatusBarItem;
  private network = '';
  private address: string | undefined;
  private offline: { title: string; hint: string } | undefined;
  private readonly runs = new Map<
    string,
    { name: string; startedAt: number; payment?: RunPayment }
  >();
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

  /** Shows the connection problem (or clears it once the network answers again). */
  setOffline(problem: { title: string; hint: string } | undefined) {
    this.offline = problem;
    this.render();
  }

  runStarted(id: string, name: string) {
    this.runs.set(id, { name, startedAt: Date.now() });
    // The clock only ticks while something runs: no timer when idle.
    this.ticker ??= setInterval(() => this.render(), 1000);
    this.render();
  }

  /**
   * While the run's payment flows, the item shows what it has cost so far
   * instead of the clock; undefined once the job finished (the flow stopped).
   */
  runPayment(id: string, payment: RunPayment | undefined) {
    const run = this.runs.get(id);
    if (!run) return;
    run.payment = payment;
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

  /** What the item says now (the end-to-end tests read it). */
  get text(): string {
    return this.item.text;
  }

  private render() {
    const account = this.address ? shortAddress(this.address) : 'no wallet';
    const [first] = this.runs.values();
    let tooltip = `Orange Cloud on ${this.network}, wallet ${this.address ?? 'not set up'}.`;
    if (first) {
      const { payment } = first;
      const progress = payment
        ? runningCostText(payment.rateWei, payment.startedAt, Date.now(), payment.terms)
        : formatDuration(Date.now() - first.startedAt);
      const more = this.runs.size > 1 ? ` (+${this.runs.size - 1})` : '';
      this.item.text = `$(sync~spin) ${first.name} ${progress}${more}`;
      if (payment) tooltip += ` ${first.name} pays ${formatRate(payment.rateWei, payment.terms)}.`;
    } else if (this.offline) {
      this.item.text = `$(debug-disconnect) ${this.network} · offline`;
      tooltip = `${this.offline.title}. ${this.offline.hint} Reconnects by itself when it answers.`;
    } else {
      this.item.text = `$(cloud) ${this.network} · ${account}`;
    }
    this.item.tooltip = `${tooltip} Click to show your jobs.`;
    this.item.show();
  }

  dispose() {
    if (this.ticker) clearInterval(this.ticker);
    this.item.dispose();
  }
}
