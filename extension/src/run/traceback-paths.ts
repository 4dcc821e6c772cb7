import { isAbsolute, join, normalize, sep } from 'node:path';

/** A Python traceback frame's file and line: `  File "src/main.py", line 3, in <module>`. */
const PYTHON_FRAME = /^(\s*File ")([^"\n]+)(", line )(\d+)/gm;

/**
 * A Node.js stack frame's file, line and column: `    at f (lib/util.js:9:1)` or
 * `    at main.mjs:2:7`. Internal frames (`node:internal/...`) match too and stay as they are,
 * since the project has no such file.
 */
const NODE_FRAME = /^(\s+at (?:[^\n]*? \()?)([^\s()][^()\n]*?):(\d+):(\d+)(?=\)?$)/gm;

/**
 * Puts the local project's absolute path in the stack frames the provider names
 * project-relative (Python's `File "src/main.py", line 3`, Node's `at f (src/main.js:3:7)`), so
 * the output channel can link them to the workspace file. Frames outside the project (the
 * standard library, a package, an absolute container path) and files the project does not have
 * stay as they are.
 */
export function localTracebackPaths(
  text: string,
  projectRoot: string,
  exists: (path: string) => boolean,
): string {
  const local = (frame: string, before: string, path: string, rest: string) => {
    const found = localPath(path, projectRoot, exists);
    return found ? `${before}${found}${rest}` : frame;
  };
  return text
    .replace(PYTHON_FRAME, (frame, before: string, path: string, after: string, line: string) =>
      local(frame, before, path, `${after}${line}`),
    )
    .replace(NODE_FRAME, (frame, before: string, path: string, line: string, column: string) =>
      local(frame, before, path, `:${line}:${column}`),
    );
}

/** The project file a frame's relative path names, if it is inside the project and exists. */
function localPath(
  path: string,
  projectRoot: string,
  exists: (path: string) => boolean,
): string | undefined {
  if (isAbsolute(path) || path.startsWith('<')) return undefined;
  const local = normalize(join(projectRoot, path));
  const inside = projectRoot.endsWith(sep) ? projectRoot : projectRoot + sep;
  return local.startsWith(inside) && exists(local) ? local : undefined;
}

/** One clickable frame of a traceback: where it is in its line and the file and line it names. */
export interface FrameLink {
  /** Offsets of the path within the text. */
  start: number;
  end: number;
  path: string;
  line: number;
  /** The column, when the frame names one (Node.js frames do). */
  column?: number;
}

/** The absolute-path frames of a text, for the output channel's link provider. */
export function frameLinks(text: string): FrameLink[] {
  const links: FrameLink[] = [];
  const add = (match: RegExpMatchArray, line: string, column?: string) => {
    const [, before = '', path = ''] = match;
    if (!isAbsolute(path)) return;
    const start = (match.index ?? 0) + before.length;
    links.push({
      start,
      end: start + path.length,
      path,
      line: Number(line),
      ...(column === undefined ? {} : { column: Number(column) }),
    });
  };
  for (const match of text.matchAll(PYTHON_FRAME)) add(match, match[4] ?? '0');
  for (const match of text.matchAll(NODE_FRAME)) add(match, match[3] ?? '0', match[4]);
  return links.sort((a, b) => a.start - b.start);
}
