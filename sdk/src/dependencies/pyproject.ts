import { parse as parseToml } from 'smol-toml';
import { invalid, stringList } from './inline-metadata.js';

/** What a `pyproject.toml` declares for running the project (PEP 621 `[project]`). */
export interface ProjectMetadata {
  /** undefined when `[project]` is absent or lists `dependencies` as dynamic. */
  dependencies?: string[];
  requiresPython?: string;
}

/**
 * Reads `[project].dependencies` and `[project].requires-python`. Optional dependencies are not
 * installed (nothing says which extras the run wants); dynamic dependencies are left to the
 * other sources, since only a build backend could compute them.
 */
export function readPyproject(fileName: string, text: string): ProjectMetadata {
  let table: Record<string, unknown>;
  try {
    table = parseToml(text);
  } catch (error) {
    const reason = String(error instanceof Error ? error.message : error).split('\n')[0];
    throw invalid(fileName, `is not valid TOML: ${reason}`, error);
  }
  const project = table.project;
  if (project === undefined) return {};
  if (typeof project !== 'object' || project === null || Array.isArray(project))
    throw invalid(fileName, 'has a "project" entry that is not a table');
  const fields = project as Record<string, unknown>;
  const metadata: ProjectMetadata = {};
  if (fields.dependencies !== undefined)
    metadata.dependencies = stringList(fileName, fields.dependencies, 'project.dependencies');
  if (fields['requires-python'] !== undefined) {
    if (typeof fields['requires-python'] !== 'string')
      throw invalid(fileName, 'declares "project.requires-python" that is not a string');
    metadata.requiresPython = fields['requires-python'];
  }
  return metadata;
}
