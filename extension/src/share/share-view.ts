import type * as vscode from 'vscode';
import type { TokenTerms } from '@orange-cloud/sdk';
import type { ShareController } from './share-controller.js';
import { shareViewModel, type ShareRow, type ShareViewModel } from './share-view-model.js';

/**
 * The Share Compute view and the status bar's sharing item, redrawn whenever the controller
 * polls (every second while sharing), so earnings tick between chain events.
 */
export class ShareView implements vscode.TreeDataProvider<ShareRow> {
  private readonly vs: typeof vscode;
  private readonly controller: ShareController;
  private readonly terms: () => TokenTerms | undefined;
  private readonly changed: vscode.EventEmitter<ShareRow | undefined>;
  readonly onDidChangeTreeData: vscode.Event<ShareRow | undefined>;
  private readonly item: vscode.StatusBarItem;
  private lastState = '';
  /** What was drawn last (the end-to-end tests read it). */
  model: ShareViewModel | undefined;

  constructor(
    vs: typeof vscode,
    controller: ShareController,
    terms: () => TokenTerms | undefined,
    viewCommand: string,
  ) {
    this.vs = vs;
    this.controller = controller;
    this.terms = terms;
    this.changed = new vs.EventEmitter<ShareRow | undefined>();
    this.onDidChangeTreeData = this.changed.event;
    this.item = vs.window.createStatusBarItem('orangeCloud.share', vs.StatusBarAlignment.Left, 9);
    this.item.name = 'Orange Cloud: Share Compute';
    this.item.command = viewCommand;
    controller.onDidChange(() => this.redraw());
    this.redraw();
  }

  redraw() {
    // Until the market's token is known amounts read in its 18 decimals, without a symbol.
    const terms = this.terms() ?? { symbol: '', decimals: 18 };
    this.model = shareViewModel(this.controller.phase, terms, Date.now());
    if (this.model.statusBar) {
      this.item.text = this.model.statusBar;
      this.item.tooltip = 'Orange Cloud: sharing this machine. Click to show Share Compute.';
      this.item.show();
    } else {
      this.item.hide();
    }
    if (this.model.state !== this.lastState) {
      this.lastState = this.model.state;
      void this.vs.commands.executeCommand(
        'setContext',
        'orangeCloud.share.state',
        this.model.state,
      );
    }
    this.changed.fire(undefined);
  }

  getTreeItem(row: ShareRow): vscode.TreeItem {
    const { TreeItemCollapsibleState } = this.vs;
    const item = new this.vs.TreeItem(
      row.label,
      row.children.length > 0 ? TreeItemCollapsibleState.Expanded : TreeItemCollapsibleState.None,
    );
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    item.iconPath = new this.vs.ThemeIcon(row.icon.id);
    return item;
  }

  getChildren(parent?: ShareRow): ShareRow[] {
    return parent ? parent.children : (this.model?.rows ?? []);
  }

  dispose() {
    this.item.dispose();
    this.changed.dispose();
  }
}
