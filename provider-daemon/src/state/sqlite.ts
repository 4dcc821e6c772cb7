import type * as Sqlite from 'node:sqlite';

/** Node 22 flags node:sqlite experimental and says so once, on load. */
const SQLITE_WARNING = /SQLite is an experimental feature/;

/**
 * Loads node:sqlite (built into Node 22: no native dependency to install) without printing its
 * one-time ExperimentalWarning into every operator's log. Only that warning is held back, and
 * only while the module loads (Node emits it then, synchronously); every other warning passes.
 */
function loadSqlite(): typeof Sqlite {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const message = typeof warning === 'string' ? warning : warning.message;
    if (SQLITE_WARNING.test(message)) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // Not a static import, which would load it (and warn) before this filter is in place; and
    // not require, which a bundle for the extension may not have.
    return process.getBuiltinModule('node:sqlite') as typeof Sqlite;
  } finally {
    process.emitWarning = emit;
  }
}

let sqlite: typeof Sqlite | undefined;

/** A database at `path` (':memory:' for tests). */
export function openSqlite(path: string): Sqlite.DatabaseSync {
  sqlite ??= loadSqlite();
  return new sqlite.DatabaseSync(path);
}

export type { DatabaseSync } from 'node:sqlite';
