import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeclaredDependencies } from './declared.js';
import { readInlineMetadata } from './inline-metadata.js';
import { readPyproject } from './pyproject.js';
import { parseRequirementsFile, requirementProblem } from './requirements-file.js';
import { OrangeError } from '../errors.js';

export interface DeclarationFiles {
  /** Project-relative path of the entry file, and its source. */
  entrypoint: string;
  entrySource: string;
  /** The project root's `requirements.txt` and `pyproject.toml`, when present. */
  requirementsTxt?: string;
  pyprojectToml?: string;
}

/**
 * The dependencies a run declares, from the first source that declares any, in this order:
 * the entry file's PEP 723 `script` block (authoritative when present, even if empty: the
 * script says it is self-contained), the root's `requirements.txt` when it lists any
 * requirement (an empty one only marks the project root), the root's `pyproject.toml`
 * `[project].dependencies`. `requires-python` comes from the script block, else from
 * `pyproject.toml` (a requirements file cannot state it). undefined when nothing is declared.
 */
export function pickDeclared(files: DeclarationFiles): DeclaredDependencies | undefined {
  const inline = readInlineMetadata(files.entrypoint, files.entrySource);
  if (inline) {
    checkRequirements(files.entrypoint, inline.dependencies);
    return {
      source: 'script metadata',
      file: files.entrypoint,
      requirements: inline.dependencies,
      ...(inline.requiresPython !== undefined ? { requiresPython: inline.requiresPython } : {}),
    };
  }
  const project =
    files.pyprojectToml === undefined ? {} : readPyproject('pyproject.toml', files.pyprojectToml);
  const requiresPython =
    project.requiresPython !== undefined ? { requiresPython: project.requiresPython } : {};
  const listed =
    files.requirementsTxt === undefined
      ? []
      : parseRequirementsFile('requirements.txt', files.requirementsTxt);
  if (listed.length > 0) {
    return {
      source: 'requirements.txt',
      file: 'requirements.txt',
      requirements: listed,
      ...requiresPython,
    };
  }
  if (project.dependencies !== undefined || project.requiresPython !== undefined) {
    const requirements = project.dependencies ?? [];
    checkRequirements('pyproject.toml', requirements);
    return { source: 'pyproject.toml', file: 'pyproject.toml', requirements, ...requiresPython };
  }
  return undefined;
}

/** Reads the declaration files of a project root (or only the script, when it travels alone). */
export async function readDeclared(
  root: string | undefined,
  entrypoint: string,
  entrySource: string,
): Promise<DeclaredDependencies | undefined> {
  const optional = (name: string) =>
    root === undefined
      ? Promise.resolve(undefined)
      : readFile(join(root, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
  const [requirementsTxt, pyprojectToml] = await Promise.all([
    optional('requirements.txt'),
    optional('pyproject.toml'),
  ]);
  return pickDeclared({
    entrypoint,
    entrySource,
    ...(requirementsTxt !== undefined ? { requirementsTxt } : {}),
    ...(pyprojectToml !== undefined ? { pyprojectToml } : {}),
  });
}

function checkRequirements(fileName: string, requirements: readonly string[]): void {
  for (const requirement of requirements) {
    const problem = requirementProblem(requirement.trim());
    if (problem) {
      throw new OrangeError(
        'DEPENDENCY_UNSUPPORTED',
        `${fileName} declares ${JSON.stringify(requirement)}, which ${problem}.`,
        {
          hint: 'Declare plain requirements such as "requests>=2.31"; set the index or find-links in your pip configuration or PIP_* environment variables. Nothing was posted.',
        },
      );
    }
  }
}
