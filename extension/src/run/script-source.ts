import type * as vscode from 'vscode';
import { OrangeError, runtimesForEntry } from '@orange-cloud/sdk';

/**
 * What gets run: the document's current text, saved or not, under a name a runtime runs; or,
 * for a file that is not text (a `.wasm` module), its bytes on disk.
 */
export interface ScriptSource {
  uri: string;
  fileName: string;
  text: string;
  /** The file as it is on disk, when it is not text; `text` is then empty. */
  bytes?: Uint8Array;
  /** The file on disk; undefined for an untitled buffer (it has no project). */
  path: string | undefined;
  /** The editor holds changes that are not saved (an untitled buffer always does). */
  dirty: boolean;
  /** The workspace folder holding the file: the ceiling of its project. */
  workspaceFolder: string | undefined;
}

/** The ending an untitled buffer of a language is run under. */
const UNTITLED_EXTENSIONS: Record<string, string> = { python: '.py', javascript: '.js' };

/** "hello.py" for a file, "Untitled-1.py" for an unsaved Python buffer ("Untitled-2.js" for JavaScript). */
export function scriptFileName(path: string, languageId: string): string {
  const base = path.split('/').pop() || 'script';
  const extension = UNTITLED_EXTENSIONS[languageId];
  return extension && runtimesForEntry(base).length === 0 ? `${base}${extension}` : base;
}

/** True for a file whose runtime reads bytes, not text (`.wasm`): it is never opened as a document. */
const isBinaryEntry = (path: string) => runtimesForEntry(path)[0]?.language === 'wasm';

/**
 * The explorer passes a URI, the editor title and palette act on the active
 * editor. An open document is read from memory, so unsaved edits run.
 */
export async function scriptSource(
  vs: typeof vscode,
  target: vscode.Uri | undefined,
): Promise<ScriptSource> {
  let document: vscode.TextDocument | undefined;
  if (target && target.scheme === 'file' && isBinaryEntry(target.path)) {
    const bytes = await vs.workspace.fs.readFile(target).then(
      (read) => read,
      (error: unknown) => {
        throw new OrangeError('NOT_A_FILE', `Cannot read ${target.fsPath}.`, {
          hint: 'Pick a file to run in the explorer or open one in the editor.',
          cause: error,
        });
      },
    );
    return {
      uri: target.toString(),
      fileName: scriptFileName(target.path, ''),
      text: '',
      bytes,
      path: target.fsPath,
      dirty: false,
      workspaceFolder: vs.workspace.getWorkspaceFolder(target)?.uri.fsPath,
    };
  }
  if (target) {
    document = await vs.workspace.openTextDocument(target).then(
      (doc) => doc,
      (error: unknown) => {
        throw new OrangeError('NOT_A_FILE', `Cannot read ${target.fsPath}.`, {
          hint: 'Pick a file to run in the explorer or open one in the editor.',
          cause: error,
        });
      },
    );
  } else {
    document = vs.window.activeTextEditor?.document;
  }
  if (!document) {
    throw new OrangeError('NO_FILE', 'There is no file to run.', {
      hint: 'Open a Python or JavaScript file in the editor (or pick a .wasm in the explorer), then run it on Orange Cloud.',
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
