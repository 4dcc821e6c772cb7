import type * as vscode from 'vscode';
import { frameLinks } from './traceback-paths.js';

/**
 * Links a run channel's traceback frames (`File "/home/…/src/main.py", line 3`) to the
 * workspace file at that line. VS Code's own output links stop at the closing quote and
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
          const target = vs.Uri.file(link.path).with({ fragment: `L${link.line}` });
          const documentLink = new vs.DocumentLink(range, target);
          documentLink.tooltip = `Open ${link.path} at line ${link.line}`;
          return documentLink;
        });
      },
    },
  );
}
