import type * as vscode from 'vscode';
import { frameLinks } from './traceback-paths.js';

/**
 * Links a run channel's traceback frames (`File "/home/…/src/main.py", line 3`, and Node's
 * `at f (/home/…/src/main.js:3:7)`) to the workspace file at that line. VS Code's own output links stop at the closing quote and
 * lose the line; this provider keeps it.
 */
export function registerOutputLinks(vs: typeof vscode): vscode.Disposable {
  return vs.languages.registerDocumentLinkProvider(
    { scheme: 'output' },
    {
      provideDocumentLinks(document) {
        const text = document.getText();
        return frameLinks(text).map((link) => {
          const range = new vs.Range(
            document.positionAt(link.start),
            document.positionAt(link.end),
          );
          const at = link.column === undefined ? `${link.line}` : `${link.line},${link.column}`;
          const target = vs.Uri.file(link.path).with({ fragment: `L${at}` });
          const documentLink = new vs.DocumentLink(range, target);
          documentLink.tooltip = `Open ${link.path} at line ${link.line}`;
          return documentLink;
        });
      },
    },
  );
}
