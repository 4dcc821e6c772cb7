import { isAbsolute, join, normalize, sep } from 'node:path';

/** A traceback frame's file and line: `  File "src/main.py", line 3, in <module>`. */
const FRAME = /^(\s*File ")([^"\n]+)(", line )(\d+)/gm;

/**
 * Puts the local project's absolute path in the traceback frames the provider names
 * project-relative (`File "src/main.py", line 3`), so the output channel can link them
 * to the workspace file. Frames outside the project (the standard library, a wheel, an
 * absolute container path) and files the project does not have stay as they are.
 */
export function localTracebackPaths(
  text: string,
  projectRoot: string,
  exists: (path: string) => boolean,
): string {
  return text.replace(FRAME, (frame, before: string, path: string, after: string, line: string) => {
    if (isAbsolute(path) || path.startsWith('<')) return frame;
    const local = normalize(join(projectRoot, path));
    if (!local.startsWith(projectRoot.endsWith(sep) ? projectRoot : projectRoot + sep))
      return frame;
    return exists(local) ? `${before}${local}${after}${line}` : frame;
  });
}

/** One clickable frame of a traceback: where it is in its line and the file and line it names. */
export interface FrameLink {
  /** Offsets of the path within the text. */
  start: number;
  end: number;
  path: string;
  line: number;
}

/** The absolute-path frames of a text, for the output channel's link provider. */
export function frameLinks(text: string): FrameLink[] {
  const links: FrameLink[] = [];
  for (const match of text.matchAll(FRAME)) {
    const [, before = '', path = '', , line = '0'] = match;
    if (!isAbsolute(path)) continue;
    const start = (match.index ?? 0) + before.length;
    links.push({ start, end: start + path.length, path, line: Number(line) });
  }
  return links;
}
