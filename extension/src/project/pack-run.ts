import { readProject, readScriptAlone, type ProjectToSend } from '@orange-cloud/sdk';
import type { ProjectPlan } from './project-plan.js';

/** The entry as the editor holds it. */
export interface EntryFile {
  /** "main.py", "Untitled-1.py". */
  fileName: string;
  /** On disk; undefined for an untitled buffer. */
  path: string | undefined;
  text: string;
  /** The file's bytes when it is not text (a `.wasm` module), read from disk. */
  bytes?: Uint8Array;
  /** The editor holds changes that are not saved (an untitled buffer always does). */
  dirty: boolean;
}

export interface PackRunOptions {
  plan: ProjectPlan;
  /** Cap on the sealed payload. */
  maxBytes: number;
  /** Unsaved editor text by absolute path (the entry's own included when dirty). */
  unsaved: ReadonlyMap<string, Uint8Array>;
  /** Folders that never travel (where returned files are saved). */
  leaveOut: readonly string[];
}

/**
 * Packs what a run sends and reads what it declares, before anything touches the wallet, the
 * chain or IPFS. Refusals (cap, links leaving the project, bad names, an empty entry, a
 * malformed declaration) are the SDK's OrangeErrors. The declared dependencies become wheels
 * once the runtime is chosen (`session.prepare`).
 */
export async function packRun(entry: EntryFile, options: PackRunOptions): Promise<ProjectToSend> {
  const { plan } = options;
  if (plan.alone) {
    const project = await readScriptAlone(
      entry.path ?? entry.fileName,
      entry.bytes ?? new TextEncoder().encode(entry.text),
    );
    const { packed } = project;
    return entry.dirty
      ? { ...project, packed: { ...packed, unsaved: [packed.entrypoint] } }
      : project;
  }
  return readProject({
    entryFile: plan.entryFile,
    ceiling: plan.ceiling,
    ...(plan.root === undefined ? {} : { root: plan.root }),
    maxBytes: options.maxBytes,
    unsaved: options.unsaved,
    leaveOut: options.leaveOut,
  });
}
