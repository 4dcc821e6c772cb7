import type * as vscode from 'vscode';
import {
  OrangeError,
  historySourceNote,
  newestJobsFirst,
  type JobView,
  type RequesterSession,
  type TokenTerms,
} from '@orange-cloud/sdk';
import type { SessionManager } from '../session/session-manager.js';
import type { ViewReader } from '../history/view-history.js';
import type { ConnectionMonitor } from '../connection/connection-monitor.js';
import { outputNodeModel, type OutputNodeModel } from '../outputs/output-listing.js';
import { jobNodeModel, type LocalRunRecord, type NodeModel } from './job-model.js';

/** A file a job returned, under its job; a click opens it. */
export class OutputNode {
  readonly model: OutputNodeModel;

  constructor(model: OutputNodeModel) {
    this.model = model;
  }
}

/** One job in the history: the row plus the job it stands for (commands receive it). */
export class JobNode {
  readonly job: JobView;
  readonly model: NodeModel;
  /** The files it returned, as saved on this machine. */
  readonly outputs: OutputNode[];

  constructor(job: JobView, local: LocalRunRecord | undefined, terms: TokenTerms) {
    // The index updates its views in place: keep the state this row was drawn from.
    this.job = { ...job };
    this.model = jobNodeModel(job, local, terms);
    const saved = local?.outputs;
    this.outputs = saved
      ? saved.files.map((file) => new OutputNode(outputNodeModel(job.jobId, saved.dir, file)))
      : [];
  }
}

export type JobTreeNode = JobNode | OutputNode;

/** What the views know about the connection: drives their welcome content (and its buttons). */
export type ViewState = 'noWallet' | 'devnetDown' | 'offline' | 'ready';

/**
 * "My jobs", newest first. The first look opens the session (first need);
 * afterwards chain events refresh it. Jobs are read through the SDK's history reader: the
 * chain's events, or the subgraph when one is configured; the view's description says which
 * when a subgraph is involved ("from chain events: subgraph 40 blocks behind"). A failure to
 * connect empties the list and hands the error to the connection monitor, which sets
 * `orangeCloud.state` for the welcome buttons; the view's description says why
 * in one plain line (a view message would hide the welcome buttons).
 */
export class JobTreeProvider implements vscode.TreeDataProvider<JobTreeNode> {
  private readonly vs: typeof vscode;
  private readonly sessions: SessionManager;
  private readonly local: (job: JobView) => LocalRunRecord | undefined;
  private readonly connection: Pick<ConnectionMonitor, 'explain' | 'online'>;
  private readonly history: (session: RequesterSession) => Pick<ViewReader, 'jobsOf'>;
  private readonly changed: vscode.EventEmitter<JobTreeNode | undefined>;
  readonly onDidChangeTreeData: vscode.Event<JobTreeNode | undefined>;
  private view: vscode.TreeView<JobTreeNode> | undefined;
  /** The last rows handed to VS Code, for the end-to-end tests. */
  nodes: JobNode[] = [];

  constructor(
    vs: typeof vscode,
    sessions: SessionManager,
    local: (job: JobView) => LocalRunRecord | undefined,
    connection: Pick<ConnectionMonitor, 'explain' | 'online'>,
    history: (session: RequesterSession) => Pick<ViewReader, 'jobsOf'>,
  ) {
    this.vs = vs;
    this.sessions = sessions;
    this.local = local;
    this.connection = connection;
    this.history = history;
    this.changed = new vs.EventEmitter<JobTreeNode | undefined>();
    this.onDidChangeTreeData = this.changed.event;
  }

  attach(view: vscode.TreeView<JobTreeNode>) {
    this.view = view;
  }

  refresh() {
    this.changed.fire(undefined);
  }

  getTreeItem(node: JobTreeNode): vscode.TreeItem {
    const { TreeItemCollapsibleState } = this.vs;
    const collapsible =
      node instanceof OutputNode || node.outputs.length === 0
        ? TreeItemCollapsibleState.None
        : // The newest job's files show at once; older ones fold away.
          node === this.nodes.find((n) => n.outputs.length > 0)
          ? TreeItemCollapsibleState.Expanded
          : TreeItemCollapsibleState.Collapsed;
    const item = new this.vs.TreeItem(node.model.label, collapsible);
    // VS Code keeps an item's first collapsible state for its id: a job whose files arrived
    // after its row was drawn gets a new id, so that it can unfold.
    item.id =
      node instanceof JobNode && node.outputs.length > 0 ? `${node.model.id}:files` : node.model.id;
    item.description = node.model.description;
    item.tooltip = node.model.tooltip;
    item.contextValue = node.model.contextValue;
    item.iconPath = new this.vs.ThemeIcon(
      node.model.icon.id,
      node.model.icon.color ? new this.vs.ThemeColor(node.model.icon.color) : undefined,
    );
    if (node instanceof OutputNode) {
      const uri = this.vs.Uri.file(node.model.fsPath);
      item.resourceUri = uri;
      item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    }
    return item;
  }

  async getChildren(parent?: JobTreeNode): Promise<JobTreeNode[]> {
    if (parent) return parent instanceof JobNode ? parent.outputs : [];
    try {
      const session = await this.sessions.get();
      const read = await this.history(session).jobsOf(session.address);
      const jobs = read.items;
      // Read once per market and cached by the SDK: costs are shown in its token.
      const terms = await session.market.paymentTerms();
      this.connection.online();
      await this.setState('ready', historySourceNote(read));
      // The walkthrough's steps complete on success: connected, and a job that ran to the end.
      await this.vs.commands.executeCommand('setContext', 'orangeCloud.connected', true);
      if (jobs.some((job) => job.status === 'completed'))
        await this.vs.commands.executeCommand('setContext', 'orangeCloud.ranJob', true);
      // By hire block: ids are per provider (its index above the offer's nonce), not in post order.
      this.nodes = newestJobsFirst(jobs).map((job) => new JobNode(job, this.local(job), terms));
    } catch (error) {
      this.nodes = [];
      if (error instanceof OrangeError && error.code === 'NO_WALLET') {
        await this.setState('noWallet', undefined);
        return this.nodes;
      }
      // A connection problem sets the state itself (devnetDown or offline) and starts probing.
      const explained = this.connection.explain(error);
      const problem = explained !== error && explained instanceof OrangeError;
      if (!problem) await this.setState('offline', undefined);
      const why = explained instanceof Error ? explained.message : String(explained);
      if (this.view) this.view.description = why.replace(/\.$/, '');
    }
    return this.nodes;
  }

  private async setState(state: ViewState, description: string | undefined) {
    if (this.view) this.view.description = description;
    await this.vs.commands.executeCommand('setContext', 'orangeCloud.state', state);
  }

  dispose() {
    this.changed.dispose();
  }
}
