import { STDLIB_MODULES } from './stdlib-modules.js';
import { scanPythonImports, type PythonImport } from './python-imports.js';

/** A file of the project, as the payload carries it. */
export interface ProjectSource {
  path: string;
  content: Uint8Array;
}

/** A top-level module the project imports that neither the standard library nor the project has. */
export interface ExternalImport {
  /** Top-level import name, e.g. `numpy` for `import numpy.linalg`. */
  name: string;
  /** True when every import of it sits in a `try` that copes with its absence. */
  optional: boolean;
  /** Where it is imported first: project-relative path and line. */
  where: { path: string; line: number };
}

/**
 * The third-party modules a run needs: the imports of the entry file and of every project module
 * it reaches (an import of a project module is followed into that module's file), minus the
 * standard library and the project's own modules. Project files the entry never reaches (tests,
 * tools) are not read, so their imports never block a run.
 *
 * The entry runs from the project root with the root and the entry's folder on sys.path, so a
 * top-level name is the project's when either folder has `name.py` or a folder `name/`.
 */
export function externalImports(
  files: readonly ProjectSource[],
  entrypoint: string,
): ExternalImport[] {
  const decoder = new TextDecoder('utf-8');
  const sources = new Map(
    files.filter((f) => f.path.endsWith('.py')).map((f) => [f.path, f.content]),
  );
  const entryDir = entrypoint.includes('/') ? entrypoint.slice(0, entrypoint.lastIndexOf('/')) : '';
  const roots = entryDir === '' ? [''] : ['', entryDir];
  const paths = files.map((f) => f.path);
  const join = (root: string, rest: string) => (root === '' ? rest : `${root}/${rest}`);
  const isOwn = (top: string) =>
    roots.some((root) => {
      const prefix = join(root, top);
      return paths.some((p) => p === `${prefix}.py` || p.startsWith(`${prefix}/`));
    });

  /** The project files that importing a dotted module runs: its packages' __init__ and itself. */
  const filesOf = (dotted: string[]): string[] =>
    roots.flatMap((root) =>
      dotted.flatMap((_, i) => {
        const base = join(root, dotted.slice(0, i + 1).join('/'));
        const candidates = [
          `${base}/__init__.py`,
          ...(i === dotted.length - 1 ? [`${base}.py`] : []),
        ];
        return candidates.filter((c) => sources.has(c));
      }),
    );

  const external = new Map<string, ExternalImport>();
  const seen = new Set<string>();
  const queue = [entrypoint];
  const follow = (dotted: string[], names: string[]) => {
    queue.push(...filesOf(dotted));
    for (const name of names) queue.push(...filesOf([...dotted, name]));
  };
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path) || !sources.has(path)) continue;
    seen.add(path);
    for (const imp of scanPythonImports(decoder.decode(sources.get(path)))) {
      if (imp.level > 0) {
        follow(relativeTarget(path, imp), imp.names);
        continue;
      }
      const dotted = imp.module.split('.');
      const top = dotted[0]!;
      if (isOwn(top)) follow(dotted, imp.names);
      else if (!STDLIB_MODULES.has(top)) {
        const known = external.get(top);
        if (!known)
          external.set(top, { name: top, optional: imp.optional, where: { path, line: imp.line } });
        else if (!imp.optional) known.optional = false;
      }
    }
  }
  return [...external.values()];
}

/** The dotted module a relative import names, from the importing file's package. */
function relativeTarget(path: string, imp: PythonImport): string[] {
  const packageParts = path.split('/').slice(0, -1);
  const base = packageParts.slice(0, Math.max(0, packageParts.length - (imp.level - 1)));
  return [...base, ...(imp.module === '' ? [] : imp.module.split('.'))];
}
