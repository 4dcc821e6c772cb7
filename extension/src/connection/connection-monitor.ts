import type * as vscode from 'vscode';
import { connectionProblem, problemError, type ConnectionProblem } from './connection-problem.js';
import { ReconnectProbe } from './reconnect-probe.js';

export interface ConnectionMonitorDeps {
  network: () => string;
  /** The RPC URL set in the settings, if any (empty: the network's own). */
  rpcOverride: () => string | undefined;
  /** Resolves true when the network answers (the devnet state file exists and its RPC replies). */
  probe: () => Promise<boolean>;
  /** Closes the stale session and redraws the views and the status bar. */
  recover: () => Promise<void>;
  /** Shows (or clears) the problem in the status bar. */
  show: (problem: ConnectionProblem | undefined) => void;
  log: (line: string) => void;
}

/**
 * Knows whether the network answers. An error that says it does not puts the views and the status
 * bar offline (context key `orangeCloud.state`: `devnetDown` or `offline`, whose welcome content
 * carries Start Devnet / Open Settings / Retry) and starts a probe with backoff; when the network
 * answers again everything reconnects by itself, without a reload.
 */
export class ConnectionMonitor {
  private readonly vs: typeof vscode;
  private readonly deps: ConnectionMonitorDeps;
  private readonly probe: ReconnectProbe;
  /** The current problem; undefined while online (what the end-to-end tests read). */
  problem: ConnectionProblem | undefined;

  constructor(vs: typeof vscode, deps: ConnectionMonitorDeps) {
    this.vs = vs;
    this.deps = deps;
    this.probe = new ReconnectProbe({
      probe: deps.probe,
      onOnline: () => void this.recovered(),
    });
  }

  /**
   * The error in the words of its connection problem (an OrangeError with the buttons that fix it)
   * and offline state, or the error as it was when it is not about the connection.
   */
  explain(error: unknown): unknown {
    const problem = connectionProblem(error, {
      network: this.safeNetwork(),
      rpcUrl: this.safeRpcOverride(),
    });
    if (!problem) return error;
    this.offline(problem);
    return problemError(problem, error);
  }

  /** The views reached the network: online again (stops probing). */
  online() {
    if (!this.problem) return;
    this.problem = undefined;
    this.probe.stop();
    this.deps.show(undefined);
  }

  /** Retry: close the stale session and try again now (the probe keeps going if it fails). */
  async retry() {
    await this.deps.recover();
  }

  private offline(problem: ConnectionProblem) {
    const changed = this.problem?.title !== problem.title;
    this.problem = problem;
    if (changed) {
      this.deps.log(`offline: ${problem.title}; probing until it answers`);
      this.deps.show(problem);
      void this.vs.commands.executeCommand(
        'setContext',
        'orangeCloud.state',
        problem.kind === 'devnetDown' ? 'devnetDown' : 'offline',
      );
    }
    this.probe.start();
  }

  private async recovered() {
    this.deps.log(`the network answers again after ${this.probe.attempts} probes; reconnecting`);
    this.online();
    await this.deps.recover();
  }

  /** Invalid settings are then the error being explained: the network's own RPC, then. */
  private safeRpcOverride(): string | undefined {
    try {
      return this.deps.rpcOverride() || undefined;
    } catch {
      return undefined;
    }
  }

  private safeNetwork(): string {
    try {
      return this.deps.network();
    } catch {
      return 'devnet';
    }
  }

  dispose() {
    this.probe.stop();
  }
}

/** One JSON-RPC `eth_chainId` round trip: does anything answer at `rpcUrl`? */
export async function rpcAnswers(rpcUrl: string, fetchFn: typeof fetch = fetch): Promise<boolean> {
  try {
    const response = await fetchFn(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(5000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
