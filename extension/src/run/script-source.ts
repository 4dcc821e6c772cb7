import type * as vscode from 'vscode';
import { OrangeError } from '@orange-cloud/sdk';

/** What gets run: the document's current text, saved or not, under a .py name. */
export interface ScriptSource {
  uri: string;
  fileName: string;
  text: string;
  /** The file on disk; undefined for an untitled buffer (it has no project). */
  path: string | undefined;
  /** The editor holds changes that are not saved (an untitled buffer always does). */
  dirty: boolean;
  /** The workspace folder holding the file: the ceiling of its project. */
  workspaceFolder: string | undefined;
}

/** "hello.py" for a file, "Untitled-1.py" for an unsaved Python buffer. */
export function scriptFileName(path: string, languageId: string): string {
  const base = path.split('/').pop() || 'script';
  return languageId === 'python' && !base.endsWith('.py') ? `${base}.py` : base;
}

/**
 * The explorer passes a URI, the editor title and palette act on the active
 * editor. An open document is read from memory, so unsaved edits run.
 */
export async function scriptSource(
  vs: typeof vscode,
  target: vscode.Uri | undefined,
): Promise<ScriptSource> {
  let document: vscode.TextDocument | undefined;
  if (target) {
    document = await vs.workspace.openTextDocument(target).then(
      (doc) => doc,
      (error: unknown) => {
        throw new OrangeError('NOT_A_FILE', `Cannot read ${target.fsPath}.`, {
          hint: 'Pick a Python file in the explorer or open one in the editor.',
          cause: error,
        });
      },
    );
  } else {
    document = vs.window.activeTextEditor?.document;
  }
  if (!document) {
    throw new OrangeError('NO_FILE', 'There is no file to run.', {
      hint: 'Open a Python file in the editor, then run it on Orange Cloud.',
    });
  }
  const onDisk = document.uri.scheme === 'file';
  return {
    uri: document.uri.toString(),
    fileName: scriptFileName(document.uri.path, document.languageId),
    text: document.getText(),
    path: onDisk ? document.uri.fsPath : undefined,
    dirty: document.isDirty || document.isUntitled,
    workspaceFolder: onDisk ? vs.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath : undefined,
  };
}
