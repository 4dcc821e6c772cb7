import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import {
  OrangeError,
  walletFromSecret,
  writeKeystore,
  type MarketConnection,
  type WalletSecret,
} from '@orange-cloud/sdk';
import { AdminClient, parseAdminFile, type DaemonStatus, type Fetch } from './daemon-status.js';
import { daemonConfig, daemonPaths, PASSPHRASE_ENV, type DaemonPaths } from './daemon-files.js';
import {
  launchPlan,
  nodeIsRecentEnough,
  type LaunchHost,
  type LaunchPlan,
  type NodeCandidate,
} from './daemon-launch.js';
import type { ProviderKeyStore } from './daemon-key.js';
import { validateShareChoices, type Machine, type ShareChoices } from './share-choices.js';
import type { SharePhase } from './share-view-model.js';
import { UNIT_NAME, systemdUnit } from './systemd-unit.js';

/** A started daemon process, as far as the controller needs it. */
export interface DaemonProcess {
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  kill(signal: NodeJS.Signals): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
}

/** `systemctl --user`, where it exists. */
export interface UserServices {
  /** Writes the unit and starts (or restarts) it. */
  start(unitName: string, unit: string): Promise<void>;
  stop(unitName: string): Promise<void>;
  isActive(unitName: string): Promise<boolean>;
}

export interface ShareDeps {
  storageDir: string;
  /** The bundled daemon (dist/provider-daemon.cjs in the installed extension). */
  daemonScript: string;
  host: LaunchHost;
  machine: Machine;
  keys: ProviderKeyStore;
  wallet: () => Promise<WalletSecret>;
  connection: () => Promise<MarketConnection>;
  /** Gives the provider gas and its bond's tokens on the devnet; elsewhere checks it has gas. */
  ensureFunds: (connection: MarketConnection, address: `0x${string}`) => Promise<void>;
  /** The runtimes whose images Docker holds; throws DOCKER_UNAVAILABLE without Docker. */
  docker: () => Promise<{ runtimes: string[] }>;
  nodesOnPath: () => Promise<NodeCandidate[]>;
  freePort: () => Promise<number>;
  spawn: (plan: LaunchPlan, env: Record<string, string>, logFile: string) => DaemonProcess;
  /** Undefined where there is no systemd user instance (found asynchronously: see useServices). */
  services: UserServices | undefined;
  fetch: Fetch;
  log: (line: string) => void;
  pollMs?: number;
}

/**
 * Runs this machine's provider daemon for Share Compute: writes its key and config under the
 * extension's storage, starts it (a child of the extension host, or a systemd user unit that
 * outlives VS Code), polls its admin /status every second and pauses, resumes and stops it.
 */
export class ShareController {
  private readonly deps: ShareDeps;
  readonly paths: DaemonPaths;
  private child: DaemonProcess | undefined;
  private asService = false;
  private poller: ReturnType<typeof setInterval> | undefined;
  private admin: AdminClient | undefined;
  private current: SharePhase = { phase: 'stopped' };
  private readonly listeners = new Set<() => void>();
  /** The provider address the daemon runs as, once known. */
  provider: `0x${string}` | undefined;

  constructor(deps: ShareDeps) {
    this.deps = deps;
    this.paths = daemonPaths(deps.storageDir);
  }

  get phase(): SharePhase {
    return this.current;
  }

  get status(): DaemonStatus | undefined {
    return this.current.phase === 'sharing' ? this.current.status : undefined;
  }

  /** The daemon's process id while it runs as this window's child. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private set(phase: SharePhase) {
    this.current = phase;
    for (const listener of this.listeners) listener();
  }

  /** The systemd user instance, once probed. */
  useServices(services: UserServices | undefined) {
    this.deps.services = services;
  }

  /** At activation: a daemon left running as a user service is picked up again. */
  async attach(): Promise<void> {
    if (!this.deps.services || !(await this.deps.services.isActive(UNIT_NAME))) return;
    this.asService = true;
    this.set({ phase: 'sharing' });
    this.poll();
  }

  async start(choices: ShareChoices): Promise<void> {
    if (this.current.phase !== 'stopped') {
      throw new OrangeError('PROVIDER_FAILED', 'Sharing is already on.', {
        hint: 'Stop sharing first to change what is shared.',
      });
    }
    this.set({ phase: 'starting', detail: 'checking Docker' });
    try {
      await this.launch(choices);
    } catch (error) {
      this.set({ phase: 'stopped', problem: (error as Error).message });
      throw error;
    }
  }

  private async launch(choices: ShareChoices): Promise<void> {
    const { deps, paths } = this;
    const { runtimes } = await deps.docker();
    validateShareChoices(choices, deps.machine, runtimes);
    // PATH is searched only when the extension host's own Node is too old.
    const onPath = nodeIsRecentEnough(deps.host.versions.node) ? [] : await deps.nodesOnPath();
    const plan = launchPlan(deps.host, onPath, deps.daemonScript, paths.config);
    this.set({ phase: 'starting', detail: 'preparing the provider key' });
    const secret = await deps.keys.secret(deps.wallet);
    const passphrase = await deps.keys.passphrase(() => randomBytes(32).toString('hex'));
    const address = walletFromSecret(secret).account.address;
    this.provider = address;
    const connection = await deps.connection();
    await deps.ensureFunds(connection, address);
    await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
    await writeKeystore(paths.keystore, secret, passphrase);
    const ports = { ipfs: await deps.freePort(), live: await deps.freePort() };
    const config = daemonConfig(connection, choices, paths, ports);
    await writeFile(paths.config, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    deps.log(`starting the provider daemon ${address} on ${plan.node}`);
    this.set({ phase: 'starting', detail: `starting the daemon on ${plan.node}` });
    const env = { ...plan.env, [PASSPHRASE_ENV]: passphrase };
    if (choices.keepRunning && deps.services) {
      await writeFile(paths.envFile, `${PASSPHRASE_ENV}=${passphrase}\n`, { mode: 0o600 });
      await deps.services.start(UNIT_NAME, systemdUnit(plan, paths));
      this.asService = true;
    } else {
      const child = deps.spawn(plan, env, paths.log);
      this.child = child;
      child.onExit((code, signal) => {
        if (this.child !== child) return;
        this.child = undefined;
        this.stopPolling();
        if (this.current.phase === 'stopping') return;
        void this.logTail().then((tail) =>
          this.set({
            phase: 'stopped',
            problem: `The provider daemon exited (${signal ?? `code ${code}`}). ${tail}`,
          }),
        );
      });
    }
    this.set({ phase: 'sharing' });
    this.poll();
  }

  private async logTail(): Promise<string> {
    const text = await readFile(this.paths.log, 'utf8').catch(() => '');
    const last = text.trim().split('\n').slice(-3).join(' | ');
    return last ? `Last log lines: ${last}` : `See ${this.paths.log}.`;
  }

  private poll() {
    this.stopPolling();
    const tick = () => void this.refresh();
    this.poller = setInterval(tick, this.deps.pollMs ?? 1000);
    tick();
  }

  private stopPolling() {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    this.admin = undefined;
  }

  /** One poll: admin.json (written once the daemon's admin endpoint listens), then /status. */
  async refresh(): Promise<void> {
    if (this.current.phase !== 'sharing') return;
    try {
      this.admin ??= new AdminClient(
        parseAdminFile(await readFile(this.paths.adminFile, 'utf8')),
        this.deps.fetch,
      );
      const status = await this.admin.status();
      if (this.current.phase === 'sharing') this.set({ phase: 'sharing', status });
    } catch (error) {
      this.admin = undefined; // a restarted daemon writes a new admin.json
      if (this.current.phase !== 'sharing') return;
      const problem =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'waiting for the daemon to come up'
          : (error as Error).message;
      const { status } = this.current;
      this.set({
        phase: 'sharing',
        ...(status ? { status: { ...status, online: false } } : {}),
        problem,
      });
    }
  }

  private async adminClient(): Promise<AdminClient> {
    if (this.current.phase !== 'sharing') {
      throw new OrangeError(
        'PROVIDER_FAILED',
        'Not sharing: there is no daemon to pause or resume.',
      );
    }
    return (this.admin ??= new AdminClient(
      parseAdminFile(await readFile(this.paths.adminFile, 'utf8')),
      this.deps.fetch,
    ));
  }

  /** Stops taking new jobs; running ones finish. */
  async pause(): Promise<void> {
    const status = await (await this.adminClient()).pause();
    this.set({ phase: 'sharing', status });
  }

  async resume(): Promise<void> {
    const status = await (await this.adminClient()).resume();
    this.set({ phase: 'sharing', status });
  }

  /** Stops the daemon (it lets running jobs finish within its grace period) and waits for it. */
  async stop(): Promise<void> {
    if (this.current.phase === 'stopped') return;
    this.set({ phase: 'stopping' });
    this.stopPolling();
    try {
      if (this.asService && this.deps.services) await this.deps.services.stop(UNIT_NAME);
      const child = this.child;
      if (child && child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
    } finally {
      this.child = undefined;
      this.asService = false;
      this.set({ phase: 'stopped' });
    }
  }

  /** The window closes: a child daemon goes with it; a user service keeps running. */
  dispose(): void {
    this.stopPolling();
    if (this.child?.exitCode === null) this.child.kill('SIGTERM');
    this.child = undefined;
    this.listeners.clear();
  }
}
