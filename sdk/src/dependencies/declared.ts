/** Where a project's dependencies were declared, in the order they are looked for. */
export type DependencySource = 'script metadata' | 'requirements.txt' | 'pyproject.toml';

/** What the requester's project asks for, before anything is resolved. */
export interface DeclaredDependencies {
  source: DependencySource;
  /** The file that declared them, relative to the project root (the entry file for script metadata). */
  file: string;
  /** PEP 508 requirement strings as written, e.g. `requests>=2.31`. */
  requirements: string[];
  /** A PEP 440 specifier set such as `>=3.10`, when one was declared. */
  requiresPython?: string;
}
