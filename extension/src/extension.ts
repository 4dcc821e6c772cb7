import * as os from 'node:os';
import * as vscode from 'vscode';
import { readSettings, settingIsSet } from './settings/settings.js';
import { WalletStore } from './wallet/wallet-store.js';
import { SessionManager } from './session/session-manager.js';
import { Notifier } from './errors/notifier.js';
import { StatusBar } from './status/status-bar.js';
import { RunHistory, historyScope } from './jobs/run-history.js';
import { JobTreeProvider, type JobNode } from './jobs/job-tree-provider.js';
import { ProviderTreeProvider } from './providers/provider-tree-provider.js';
import { ViewHistory } from './history/view-history.js';
import { RunController } from './run/run-controller.js';
import { EditorProject } from './project/editor-project.js';
import { JobOutputsCommand } from './outputs/job-outputs-command.js';
import { registerRunCommands } from './commands/run-commands.js';
import { registerOutputLinks } from './run/output-links.js';
import { registerJobCommands } from './commands/job-commands.js';
import { registerWalletCommands } from './commands/wallet-commands.js';
import { registerSetupCommands } from './commands/setup-commands.js';
import { checkDevnetReadiness } from './devnet/devnet-readiness.js';
import { openWalkthroughOnce } from './setup/first-start.js';
import { machineReadinessHost } from './devnet/readiness-host.js';
import { registerPaymentCommands } from './commands/payment-commands.js';
import { registerShareCommands } from './commands/share-commands.js';
import { COMMANDS, JOBS_VIEW, PROVIDERS_VIEW, SHARE_VIEW } from './commands/command-ids.js';
import { ProviderKeyStore } from './share/daemon-key.js';
import { ShareController } from './share/share-controller.js';
import { ShareView } from './share/share-view.js';
import { machineFrom } from './share/share-choices.js';
import { dockerSocket, probeDocker } from './share/docker-probe.js';
import { ensureProviderFunds } from './share/provider-funds.js';
import { freePort, nodesOnPath, spawnDaemon, userServices } from './share/host-processes.js';
import { ConnectionMonitor, rpcAnswers } from './connection/connection-monitor.js';
import { MarketClient, type JobView, type TokenTerms } from '@orange-cloud/sdk';

let sessions: SessionManager | undefined;
/** How long `activate()` took in this extension host (the bench reads it through the e2e). */
let activationMs: number | undefined;
let share: ShareController | undefined;

/** Wires the pieces together; every piece does its work on first use, not here. */
export function activate(context: vscode.ExtensionContext): void {
  const activationStart = performance.now();
  const vs = vscode;
  const log = vs.window.createOutputChannel('Orange Cloud Log', { log: true });
  const settings = () => {
    const config = vs.workspace.getConfiguration('orangeCloud');
    return readSettings((key) => config.get(key), settingIsSet(config));
  };
  const network = () => settings().network;
  const wallet = new WalletStore(context.secrets);
  const statusBar = new StatusBar(vs, `workbench.view.extension.orangeCloud`);
  // Filled in below, once the views exist: what a recovered network redraws.
  let redraw = () => {};
  const devnetReadiness = () =>
    checkDevnetReadiness(
      (vs.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
      machineReadinessHost(),
    );
  const monitor = new ConnectionMonitor(vs, {
    network,
    rpcOverride: () => settings().rpcUrl,
    probe: async () => rpcAnswers((await sessions!.connection()).rpcUrl),
    recover: async () => {
      await sessions?.reset();
      redraw();
    },
    show: (problem) => {
      statusBar.setOffline(problem);
      // The devnet-down welcome carries Start Devnet only where it can work.
      if (problem?.kind === 'devnetDown')
        void devnetReadiness().then((readiness) =>
          vs.commands.executeCommand('setContext', 'orangeCloud.canStartDevnet', readiness.ok),
        );
    },
    log: (line) => log.info(line),
  });
  const notifier = new Notifier(
    vs,
    log,
    network,
    (error) => monitor.explain(error),
    devnetReadiness,
  );
  sessions = new SessionManager({
    settings,
    wallet,
    ipfsDirectory: vs.Uri.joinPath(context.globalStorageUri, 'ipfs').fsPath,
    log: (line) => log.info(line),
    onWatchError: (error) => void monitor.explain(error),
  });
  const history = new RunHistory(context.globalState);
  const project = new EditorProject(vs, context.globalStorageUri.fsPath);
  const runs = new RunController(vs, {
    sessions,
    settings,
    notifier,
    statusBar,
    history,
    log,
    project,
  });
  const jobOutputs = new JobOutputsCommand(vs, {
    sessions,
    settings,
    history,
    channels: runs.channels,
    storageDir: context.globalStorageUri.fsPath,
  });

  // Share Compute: this machine's provider daemon, bundled beside the extension.
  const machine = machineFrom({ cores: os.availableParallelism(), totalMemBytes: os.totalmem() });
  const services = userServices();
  const providerKeys = new ProviderKeyStore(context.secrets);
  const docker = () => probeDocker(dockerSocket(process.env));
  share = new ShareController({
    storageDir: context.globalStorageUri.fsPath,
    daemonScript: vs.Uri.joinPath(context.extensionUri, 'dist', 'provider-daemon.cjs').fsPath,
    host: { execPath: process.execPath, versions: process.versions },
    machine,
    keys: providerKeys,
    wallet: () => wallet.require(),
    connection: () => sessions!.connection(),
    ensureFunds: (connection, address) => ensureProviderFunds(connection, address, network()),
    docker,
    nodesOnPath: () => nodesOnPath(),
    freePort,
    spawn: spawnDaemon,
    services: undefined,
    fetch: (url, init) => fetch(url, init),
    log: (line) => log.info(line),
  });
  let shareTerms: TokenTerms | undefined;
  const shareView = new ShareView(
    vs,
    share,
    () => shareTerms,
    `workbench.view.extension.orangeCloud`,
  );
  // A daemon left sharing by an earlier window (a systemd user unit) is shown again.
  void services
    .then(async (found) => {
      share?.useServices(found);
      await share?.attach();
      if (share?.phase.phase === 'sharing') {
        shareTerms = await new MarketClient(await sessions!.connection()).paymentTerms();
      }
    })
    .catch((error: unknown) => log.warn(`Share Compute: ${String(error)}`));

  const localRecord = (job: JobView) => {
    const session = sessions?.current;
    if (!session) return undefined;
    const scope = historyScope(
      session.market.address,
      session.market.connection.chainId,
      session.address,
    );
    return history.find(scope, job.jobId);
  };
  // The views read job history and providers as `orange jobs` does: chain events, or the subgraph.
  const viewHistory = new ViewHistory({ settings, log: (line) => log.info(line) });
  const readerFor = viewHistory.readerFor.bind(viewHistory);
  const jobs = new JobTreeProvider(vs, sessions, localRecord, monitor, readerFor);
  const providers = new ProviderTreeProvider(vs, sessions, readerFor);
  redraw = () => {
    jobs.refresh();
    providers.refresh();
    void refreshAccount();
  };
  const jobView = vs.window.createTreeView(JOBS_VIEW, {
    treeDataProvider: jobs,
    showCollapseAll: false,
  });
  jobs.attach(jobView);
  const providerView = vs.window.createTreeView(PROVIDERS_VIEW, { treeDataProvider: providers });
  providers.attach(providerView);

  const refreshAccount = async () => {
    let name = 'devnet';
    try {
      name = network();
    } catch {
      // shown when a command reads the settings
    }
    const address = await wallet.address();
    statusBar.setAccount(name, address);
    await vs.commands.executeCommand('setContext', 'orangeCloud.hasWallet', address !== undefined);
  };
  const reconnect = () => {
    void sessions?.reset().then(() => jobs.refresh());
    void refreshAccount();
  };

  context.subscriptions.push(
    log,
    jobView,
    providerView,
    vs.window.registerTreeDataProvider(SHARE_VIEW, shareView),
    shareView,
    { dispose: () => statusBar.dispose() },
    monitor,
    { dispose: () => runs.dispose() },
    { dispose: () => jobs.dispose() },
    { dispose: () => providers.dispose() },
    // Chain events (not a timer) refresh the views.
    sessions.onDidChange(() => {
      jobs.refresh();
      providers.refresh();
    }),
    // Returned files are known to this machine only: saving them redraws the job's children.
    history.onDidSave(() => jobs.refresh()),
    wallet.onDidChange(reconnect),
    vs.workspace.onDidChangeConfiguration((event) => {
      // Share Compute saves its choices; they do not change the requester's connection.
      if (event.affectsConfiguration('orangeCloud.share')) return;
      if (event.affectsConfiguration('orangeCloud')) reconnect();
    }),
    ...registerRunCommands(vs, runs, notifier),
    registerOutputLinks(vs),
    ...registerJobCommands(
      vs,
      sessions,
      runs,
      notifier,
      { jobs, providers, retry: () => monitor.retry() },
      (node: JobNode) => localRecord(node.job),
      jobOutputs,
    ),
    ...registerWalletCommands(vs, wallet, notifier, network),
    ...registerSetupCommands(vs, sessions, wallet, notifier, log, devnetReadiness),
    ...registerPaymentCommands(vs, sessions, notifier, log),
    ...registerShareCommands(vs, {
      sessions,
      controller: share,
      keys: providerKeys,
      notifier,
      machine,
      docker,
      canKeepRunning: async () => (await services) !== undefined,
      setTerms: (terms) => (shareTerms = terms),
    }),
    vs.commands.registerCommand(COMMANDS.testState, async () => ({
      activationMs,
      wallet: await wallet.address(),
      lastRun: runs.lastReport,
      inFlight: runs.inFlight(),
      jobs: jobs.nodes.map((node) => ({
        jobId: String(node.job.jobId),
        status: node.job.status,
        ...node.model,
        outputs: node.outputs.map((output) => output.model),
      })),
      providers: providers.nodes.map((node) => node.model),
      // Where the views' rows came from ("from the subgraph", "from chain events: …"), or why empty.
      descriptions: { jobs: jobView.description, providers: providerView.description },
      notifications: notifier.shown,
      statusBar: statusBar.text,
      connection: monitor.problem?.title,
      share: {
        state: shareView.model?.state,
        statusBar: shareView.model?.statusBar,
        rows: shareView.model?.rows,
        pid: share?.pid,
        provider: share?.provider,
        status: share?.status,
        log: share?.paths.log,
      },
    })),
  );
  void refreshAccount();
  // First install: the setup walkthrough once, without opening the view (activation is on
  // startup finished, so this costs the window's start nothing).
  void openWalkthroughOnce(
    context.globalState,
    () => vs.commands.executeCommand(COMMANDS.openWalkthrough),
    { welcomeActive: () => vs.window.tabGroups.activeTabGroup.activeTab?.label === 'Welcome' },
    (check, ms) => void setTimeout(check, ms),
  ).catch((error: unknown) => log.warn(`the setup walkthrough did not open: ${String(error)}`));
  activationMs = performance.now() - activationStart;
}

/** Stops the block watcher and the embedded IPFS node (if they ever started). */
export async function deactivate(): Promise<void> {
  // A child daemon stops with the window; a user service keeps running.
  share?.dispose();
  share = undefined;
  await sessions?.dispose();
  sessions = undefined;
}
