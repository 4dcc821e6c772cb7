import type * as vscode from 'vscode';
import type { ProviderView, TokenTerms } from '@orange-cloud/sdk';
import type { SessionManager } from '../session/session-manager.js';
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
 * The active providers with their capacity and price: who could take a job.
 * Reads the open session only; the job view is what opens it.
 */
export class ProviderTreeProvider implements vscode.TreeDataProvider<ProviderNode> {
  private readonly vs: typeof vscode;
  private readonly sessions: SessionManager;
  private readonly changed: vscode.EventEmitter<ProviderNode | undefined>;
  readonly onDidChangeTreeData: vscode.Event<ProviderNode | undefined>;
  /** The last rows handed to VS Code, for the end-to-end tests. */
  nodes: ProviderNode[] = [];

  constructor(vs: typeof vscode, sessions: SessionManager) {
    this.vs = vs;
    this.sessions = sessions;
    this.changed = new vs.EventEmitter<ProviderNode | undefined>();
    this.onDidChangeTreeData = this.changed.event;
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
    const session = this.sessions.current;
    if (parent || !session) return (this.nodes = []);
    // Prices read in the market's payment token (cached by the market client after one read).
    const terms = await session.market.paymentTerms();
    this.nodes = session.index
      .activeProviders()
      .sort((a, b) => (a.pricePerCoreSecond < b.pricePerCoreSecond ? -1 : 1))
      .map((provider) => new ProviderNode(provider, terms));
    return this.nodes;
  }

  dispose() {
    this.changed.dispose();
  }
}
