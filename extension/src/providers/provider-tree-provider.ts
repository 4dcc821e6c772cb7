import type * as vscode from 'vscode';
import {
  historySourceNote,
  type ProviderView,
  type RequesterSession,
  type TokenTerms,
} from '@orange-cloud/sdk';
import type { SessionManager } from '../session/session-manager.js';
import type { ViewReader } from '../history/view-history.js';
import { providerNodeModel, type NodeModel } from '../jobs/job-model.js';

export class ProviderNode {
  readonly provider: ProviderView;
  readonly model: NodeModel;

  constructor(provider: ProviderView, terms: TokenTerms) {
    this.provider = provider;
    this.model = providerNodeModel(provider, terms);
  }
}

/**
 * The active providers with their capacity and price: who could take a job. Reads the open
 * session only (the job view is what opens it), through the SDK's history reader: the chain's
 * events, or the subgraph when one is configured; the view's description says which when a
 * subgraph is involved, or why the read failed.
 */
export class ProviderTreeProvider implements vscode.TreeDataProvider<ProviderNode> {
  private readonly vs: typeof vscode;
  private readonly sessions: Pick<SessionManager, 'current'>;
  private readonly history: (session: RequesterSession) => Pick<ViewReader, 'activeProviders'>;
  private readonly changed: vscode.EventEmitter<ProviderNode | undefined>;
  readonly onDidChangeTreeData: vscode.Event<ProviderNode | undefined>;
  private view: Pick<vscode.TreeView<ProviderNode>, 'description'> | undefined;
  /** The last rows handed to VS Code, for the end-to-end tests. */
  nodes: ProviderNode[] = [];

  constructor(
    vs: typeof vscode,
    sessions: Pick<SessionManager, 'current'>,
    history: (session: RequesterSession) => Pick<ViewReader, 'activeProviders'>,
  ) {
    this.vs = vs;
    this.sessions = sessions;
    this.history = history;
    this.changed = new vs.EventEmitter<ProviderNode | undefined>();
    this.onDidChangeTreeData = this.changed.event;
  }

  attach(view: Pick<vscode.TreeView<ProviderNode>, 'description'>) {
    this.view = view;
  }

  refresh() {
    this.changed.fire(undefined);
  }

  getTreeItem(node: ProviderNode): vscode.TreeItem {
    const item = new this.vs.TreeItem(node.model.label, this.vs.TreeItemCollapsibleState.None);
    item.id = node.model.id;
    item.description = node.model.description;
    item.tooltip = node.model.tooltip;
    item.contextValue = node.model.contextValue;
    item.iconPath = new this.vs.ThemeIcon(node.model.icon.id);
    return item;
  }

  async getChildren(parent?: ProviderNode): Promise<ProviderNode[]> {
    if (parent) return [];
    const session = this.sessions.current;
    if (!session) {
      this.describe(undefined);
      return (this.nodes = []);
    }
    try {
      const read = await this.history(session).activeProviders();
      // Prices read in the market's payment token (cached by the market client after one read).
      const terms = await session.market.paymentTerms();
      this.nodes = read.items
        .sort((a, b) => (a.pricePerCoreSecond < b.pricePerCoreSecond ? -1 : 1))
        .map((provider) => new ProviderNode(provider, terms));
      this.describe(historySourceNote(read));
    } catch (error) {
      // The Jobs view reports a lost connection; this one says in a line why it is empty.
      this.nodes = [];
      this.describe((error instanceof Error ? error.message : String(error)).replace(/\.$/, ''));
    }
    return this.nodes;
  }

  private describe(description: string | undefined) {
    if (this.view) this.view.description = description;
  }

  dispose() {
    this.changed.dispose();
  }
}
