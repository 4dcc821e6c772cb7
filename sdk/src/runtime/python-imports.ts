/**
 * Finds what a Python file imports, without running it: `import a.b as c, d`,
 * `from x.y import z` and relative imports (`from . import m`), statement by statement, with
 * strings and comments skipped. An import inside a `try:` whose handler catches ImportError,
 * ModuleNotFoundError, Exception or everything is optional: the script copes without it.
 * Dynamic imports (`__import__`, `importlib.import_module`) are not seen.
 */

/** One import statement's target module. */
export interface PythonImport {
  /** Absolute dotted name (`a.b`); for a relative import the part after the dots (may be ''). */
  module: string;
  /** Leading dots of a relative import (`from ..x import y`: 2); 0 for an absolute one. */
  level: number;
  /** `from m import a, b`: ['a', 'b'] (they may be submodules); [] for `import m`. */
  names: string[];
  /** 1-based line of the statement. */
  line: number;
  optional: boolean;
}

interface LogicalLine {
  indent: number;
  /** The statement's text, strings replaced by `""` and comments removed. */
  text: string;
  line: number;
}

/** Handlers whose `except` makes the imports in their `try` body optional. */
const CATCHES_IMPORT_ERROR = new Set([
  'ImportError',
  'ModuleNotFoundError',
  'Exception',
  'BaseException',
]);

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const DOTTED = /^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*$/u;
const COMPOUND = /^(if|elif|else|try|for|while|with|def|class|except|finally|async)\b/;

export function scanPythonImports(source: string): PythonImport[] {
  const lines = logicalLines(source);
  const optionalLines = optionalTryBodies(lines);
  const found: PythonImport[] = [];
  lines.forEach((line, index) => {
    for (const statement of simpleStatements(line.text)) {
      found.push(...parseImport(statement, line.line, optionalLines.has(index)));
    }
  });
  return found;
}

/**
 * Joins physical lines into logical ones (open brackets, backslash continuations), drops
 * comments and replaces string literals so that their content never looks like code.
 */
function logicalLines(source: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let text = '';
  let depth = 0;
  let line = 1;
  let startLine = 1;
  let atLineStart = true;
  let indent = 0;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const flush = () => {
    if (text.trim() !== '') out.push({ indent, text: text.trim(), line: startLine });
    text = '';
    atLineStart = true;
    indent = 0;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (atLineStart) {
      if (c === ' ' || c === '\t') {
        indent += c === '\t' ? 8 - (indent % 8) : 1;
        i++;
        continue;
      }
      if (c === '\n' || c === '\r' || c === '#' || c === '\f') {
        // blank or comment-only lines carry no statement and no indentation
        if (c === '#') while (i < source.length && source[i] !== '\n') i++;
        else {
          if (c === '\n') line++;
          i++;
        }
        indent = 0;
        continue;
      }
      atLineStart = false;
      startLine = line;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && (source[i + 1] === '\n' || source[i + 1] === '\r')) {
      i += source[i + 1] === '\r' && source[i + 2] === '\n' ? 3 : 2;
      line++;
      text += ' ';
      continue;
    }
    if (c === '\n') {
      line++;
      i++;
      if (depth > 0) text += ' ';
      else flush();
      continue;
    }
    if (c === '"' || c === "'") {
      const end = stringEnd(source, i);
      for (let k = i; k < end; k++) if (source[k] === '\n') line++;
      text += '""';
      i = end;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    text += c;
    i++;
  }
  flush();
  return out;
}

/** Index just past the string literal that starts at `start` (its prefix letters are code). */
function stringEnd(source: string, start: number): number {
  const quote = source[start]!;
  const triple = source.startsWith(quote.repeat(3), start);
  const closing = triple ? quote.repeat(3) : quote;
  let i = start + closing.length;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (!triple && c === '\n') return i; // unterminated: the line ends it
    if (source.startsWith(closing, i)) return i + closing.length;
    i++;
  }
  return source.length;
}

/** Indexes of the lines inside a `try:` body whose handlers catch a failed import. */
function optionalTryBodies(lines: LogicalLine[]): Set<number> {
  const optional = new Set<number>();
  lines.forEach((line, index) => {
    if (!/^try\s*:/.test(line.text)) return;
    let end = index + 1;
    while (end < lines.length && lines[end]!.indent > line.indent) end++;
    let catches = false;
    for (let j = end; j < lines.length && lines[j]!.indent >= line.indent; j++) {
      const handler = lines[j]!;
      if (handler.indent > line.indent) continue;
      if (/^except\b/.test(handler.text)) catches ||= handlerCatchesImportError(handler.text);
      else if (!/^(else|finally)\s*:/.test(handler.text)) break;
    }
    if (!catches) return;
    // the body, and a one-line body on the `try:` line itself
    for (let k = index; k < end; k++) optional.add(k);
  });
  return optional;
}

function handlerCatchesImportError(text: string): boolean {
  const clause = /^except\*?\s*(.*?)\s*(\bas\s+\w+\s*)?:/.exec(text);
  if (!clause) return false;
  const types = clause[1]!.replace(/[()]/g, ' ').trim();
  if (types === '') return true; // a bare `except:` catches everything
  return types
    .split(',')
    .map((t) => t.trim().split('.').pop()!)
    .some((t) => CATCHES_IMPORT_ERROR.has(t));
}

/** A logical line's simple statements: split at top-level `;`, and the body after a compound header's colon. */
function simpleStatements(text: string): string[] {
  const out: string[] = [];
  for (const part of splitTopLevel(text, ';')) {
    const statement = part.trim();
    if (COMPOUND.test(statement) && !/^(import|from)\b/.test(statement)) {
      const colon = topLevelIndex(statement, ':');
      if (colon >= 0) out.push(...simpleStatements(statement.slice(colon + 1)));
      continue;
    }
    if (statement !== '') out.push(statement);
  }
  return out;
}

function topLevelIndex(text: string, char: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === char && depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(text: string, char: string): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let at = topLevelIndex(rest, char); at >= 0; at = topLevelIndex(rest, char)) {
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

function parseImport(statement: string, line: number, optional: boolean): PythonImport[] {
  const plain = /^import\s+(.+)$/s.exec(statement);
  if (plain) {
    return plain[1]!
      .split(',')
      .map((item) =>
        item
          .trim()
          .split(/\s+as\s+/)[0]!
          .replace(/\s+/g, ''),
      )
      .filter((module) => DOTTED.test(module))
      .map((module) => ({ module, level: 0, names: [], line, optional }));
  }
  const from = /^from\s+(\.*)\s*([\p{L}\p{N}_.\s]*?)\s+import\s+(.+)$/su.exec(statement);
  if (!from) return [];
  const level = from[1]!.length;
  const module = from[2]!.replace(/\s+/g, '');
  if (module === '' ? level === 0 : !DOTTED.test(module)) return [];
  const names = from[3]!
    .replace(/[()]/g, ' ')
    .split(',')
    .map((item) =>
      item
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim(),
    )
    .filter((name) => IDENTIFIER.test(name));
  return [{ module, level, names, line, optional }];
}
