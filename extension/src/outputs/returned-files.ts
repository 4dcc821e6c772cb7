import type * as vscode from 'vscode';
import type { SavedOutputs } from '@orange-cloud/sdk';
import { imagesToOpen, outputLines } from './output-listing.js';

/** Where the run's account of its returned files goes (its output channel). */
export interface OutputSink {
  appendLine(line: string): void;
}

/**
 * Shows what a job returned once the SDK saved it: the files in the run's channel, its images
 * beside the editor.
 */
export class ReturnedFiles {
  private readonly vs: typeof vscode;

  constructor(vs: typeof vscode) {
    this.vs = vs;
  }

  /** Lists the saved files, what was left behind, and how many images will open. */
  list(saved: SavedOutputs, sink: OutputSink, openImages: boolean): void {
    const opening = openImages ? imagesToOpen(saved).length : 0;
    for (const line of outputLines(saved, opening)) sink.appendLine(line);
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
