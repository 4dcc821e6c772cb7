import type * as vscode from 'vscode';
import type { JobResult } from '@orange-cloud/sdk';
import { imagesToOpen, outputLines } from './output-listing.js';
import type { SaveOutputs, SavedOutputs } from './output-saver.js';

/** Where the run's account of its returned files goes (its output channel). */
export interface OutputSink {
  appendLine(line: string): void;
}

/**
 * Saves a finished job's returned files under the outputs folder, lists them in the run's
 * channel and opens its images beside the editor.
 */
export class ReturnedFiles {
  private readonly vs: typeof vscode;

  constructor(vs: typeof vscode) {
    this.vs = vs;
  }

  /** Saves and lists the files; undefined when the result has no outputs (or there is no result). */
  async save(
    save: SaveOutputs,
    jobId: bigint,
    result: JobResult | undefined,
    parentDir: string,
    sink: OutputSink,
    openImages: boolean,
  ): Promise<SavedOutputs | undefined> {
    if (!result?.outputs) return undefined;
    const saved = await save(jobId, result.outputs, parentDir);
    const opening = openImages ? imagesToOpen(saved).length : 0;
    for (const line of outputLines(saved, opening)) sink.appendLine(line);
    return saved;
  }

  /**
   * Opens the first few images in the image preview, beside the editor, keeping the focus
   * where it is. Returns the paths opened.
   */
  async openImages(saved: SavedOutputs): Promise<string[]> {
    const opened: string[] = [];
    const options = { viewColumn: this.vs.ViewColumn.Beside, preserveFocus: true, preview: false };
    for (const file of imagesToOpen(saved)) {
      const uri = this.vs.Uri.file(file.savedPath);
      // The built-in image preview shows SVG as a picture too; without it, VS Code picks.
      await this.vs.commands
        .executeCommand('vscode.openWith', uri, 'imagePreview.previewEditor', options)
        .then(undefined, () => this.vs.commands.executeCommand('vscode.open', uri, options));
      opened.push(file.savedPath);
    }
    return opened;
  }
}
