import { isAbsolute, resolve } from 'node:path';

/**
 * npm reads a relative `file:` spec (`file:../lib/dep-1.0.0.tgz`, `file:vendor/dep`) from the
 * project's folder, but the tree is prepared in a folder of its own: every relative `file:`
 * string in package.json and the lockfile (dependency specs, `resolved`, v1 `version`) is
 * rewritten to the absolute path it names, the same way in both files, so `npm ci` still sees
 * them agree. Other specs (registry versions, URLs, git) are left as written.
 */
export function anchorLocalSpecs(jsonText: string, projectRoot: string): string {
  const anchored = anchorValue(JSON.parse(jsonText) as unknown, projectRoot);
  return JSON.stringify(anchored, null, 2) + '\n';
}

function anchorValue(value: unknown, root: string): unknown {
  if (typeof value === 'string') return anchorSpec(value, root);
  if (Array.isArray(value)) return value.map((item) => anchorValue(item, root));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, anchorValue(item, root)]),
    );
  return value;
}

/** `file:REL` -> `file:/abs/REL` from `root`; anything else unchanged. */
export function anchorSpec(spec: string, root: string): string {
  if (!spec.startsWith('file:')) return spec;
  const path = spec.slice('file:'.length);
  if (path === '' || isAbsolute(path) || path.startsWith('//')) return spec;
  return `file:${resolve(root, path)}`;
}
