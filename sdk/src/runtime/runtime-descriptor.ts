import { OrangeError } from '../errors.js';

/** One installed distribution of a runtime, as its provider probed it. */
export interface RuntimePackage {
  /** Normalized distribution name (PEP 503: lower case, runs of `-_.` as `-`), e.g. `scikit-learn`. */
  name: string;
  version: string;
  /** Top-level import names it provides, e.g. ['sklearn']. */
  imports: string[];
}

/** What a provider says one runtime holds; a plain name (an older provider) says nothing more. */
export interface RuntimeDescriptor {
  name: string;
  /** Python version, e.g. `3.11.2`. */
  python?: string;
  /** `sysconfig.get_platform()`, e.g. `linux-x86_64`. */
  platform?: string;
  /** C library and version, e.g. `glibc-2.36`. */
  libc?: string;
  packages: RuntimePackage[];
}

/**
 * The `runtimes` field of a registration is one string on chain (an event field, no storage):
 * comma-separated runtimes, each a plain name or a descriptor
 *
 *   python-data@3.11.2/linux-x86_64/glibc-2.36[numpy=1.24.2,scikit-learn=1.2.1:sklearn,...]
 *
 * Packages are `name=version`, followed by `:a+b` when their import names are not just the
 * name with `-` read as `_`. Plain names (`python3,python-data`) stay valid. Anyone can register
 * anything, so parsing is strict and bounded: every part has a character set that cannot carry
 * control characters or separators, and a hostile string is refused as a whole.
 */
export const MAX_RUNTIMES_CHARS = 8192;
export const MAX_RUNTIMES = 16;
export const MAX_RUNTIME_PACKAGES = 512;

const NAME = /^[a-z][a-z0-9._-]{0,31}$/;
const PYTHON_VERSION = /^[0-9]{1,3}\.[0-9]{1,3}(\.[0-9]{1,3})?([a-z0-9+]{0,12})$/;
const PLATFORM = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const LIBC = /^[a-z]{1,16}-[0-9]{1,4}(\.[0-9]{1,4}){0,3}$/;
const DIST = /^[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]{0,63}$/;
const IMPORT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function refused(why: string): OrangeError {
  return new OrangeError('RUNTIMES_INVALID', `The runtimes string is invalid: ${why}.`, {
    hint: 'A provider advertises runtimes as `name` or `name@python/platform/libc[pkg=version,...]`.',
  });
}

/** PEP 503 normalization of a distribution name: `Scikit_Learn` -> `scikit-learn`. */
export const normalizeDistName = (name: string): string =>
  name.toLowerCase().replace(/[-_.]+/g, '-');

/** The import name a distribution has when it says nothing else: `python-dateutil` -> `python_dateutil`. */
export const defaultImportName = (dist: string): string =>
  normalizeDistName(dist).replace(/-/g, '_');

/** The string a provider registers: its runtimes, each with what it holds when known. */
export function encodeRuntimes(runtimes: readonly RuntimeDescriptor[]): string {
  if (runtimes.length === 0 || runtimes.length > MAX_RUNTIMES)
    throw refused(`between 1 and ${MAX_RUNTIMES} runtimes are advertised`);
  const text = runtimes.map(encodeRuntime).join(',');
  if (text.length > MAX_RUNTIMES_CHARS)
    throw refused(`longer than ${MAX_RUNTIMES_CHARS} characters`);
  // what we send must read back as itself
  parseRuntimes(text);
  return text;
}

function encodeRuntime(r: RuntimeDescriptor): string {
  if (r.python === undefined) {
    if (r.packages.length > 0 || r.platform || r.libc)
      throw refused(`${r.name} has facts but no Python version`);
    return r.name;
  }
  const where = r.platform ? `/${r.platform}${r.libc ? `/${r.libc}` : ''}` : '';
  const packages = [...r.packages]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => {
      const imports = [...p.imports].sort();
      const plain = imports.length === 1 && imports[0] === defaultImportName(p.name);
      return `${p.name}=${p.version}${plain ? '' : `:${imports.join('+')}`}`;
    });
  return `${r.name}@${r.python}${where}[${packages.join(',')}]`;
}

/** Reads a registration's runtimes; throws RUNTIMES_INVALID on anything outside the grammar. */
export function parseRuntimes(text: string): RuntimeDescriptor[] {
  if (text.length > MAX_RUNTIMES_CHARS)
    throw refused(`longer than ${MAX_RUNTIMES_CHARS} characters`);
  const entries = splitEntries(text);
  if (entries.length > MAX_RUNTIMES) throw refused(`more than ${MAX_RUNTIMES} runtimes`);
  const runtimes = entries.map(parseRuntime);
  const names = new Set(runtimes.map((r) => r.name));
  if (names.size !== runtimes.length) throw refused('a runtime is named twice');
  return runtimes;
}

/**
 * What a market view shows of a registration: its runtimes, or none when the string is not
 * valid, so a provider that registered garbage is never picked and never breaks the index.
 */
export function readAdvertisedRuntimes(text: string): RuntimeDescriptor[] {
  try {
    return parseRuntimes(text);
  } catch {
    return [];
  }
}

/** Splits at the commas outside brackets. */
function splitEntries(text: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    if (depth < 0 || depth > 1) throw refused('brackets do not match');
    if (c === ',' && depth === 0) {
      entries.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw refused('brackets do not match');
  entries.push(text.slice(start));
  // an empty string advertises nothing; `a,,b` is an error
  if (entries.length === 1 && entries[0]!.trim() === '') return [];
  return entries.map((e) => e.trim());
}

function parseRuntime(entry: string): RuntimeDescriptor {
  const at = entry.indexOf('@');
  const name = at < 0 ? entry : entry.slice(0, at);
  if (!NAME.test(name)) throw refused(`"${printable(name)}" is not a runtime name`);
  if (at < 0) return { name, packages: [] };
  const m = /^([^/[\]]*)(?:\/([^/[\]]*)(?:\/([^/[\]]*))?)?\[([^[\]]*)\]$/.exec(entry.slice(at + 1));
  if (!m) throw refused(`${name}: expected name@python[/platform[/libc]][packages]`);
  const [, python, platform, libc, list] = m as unknown as [
    string,
    string,
    string | undefined,
    string | undefined,
    string,
  ];
  if (!PYTHON_VERSION.test(python))
    throw refused(`${name}: "${printable(python)}" is not a Python version`);
  if (platform !== undefined && !PLATFORM.test(platform))
    throw refused(`${name}: "${printable(platform)}" is not a platform`);
  if (libc !== undefined && !LIBC.test(libc))
    throw refused(`${name}: "${printable(libc)}" is not a C library`);
  const items = list === '' ? [] : list.split(',');
  if (items.length > MAX_RUNTIME_PACKAGES)
    throw refused(`${name}: more than ${MAX_RUNTIME_PACKAGES} packages`);
  const packages = items.map((item) => parsePackage(name, item));
  if (new Set(packages.map((p) => p.name)).size !== packages.length)
    throw refused(`${name}: a package is listed twice`);
  return {
    name,
    python,
    ...(platform !== undefined ? { platform } : {}),
    ...(libc !== undefined ? { libc } : {}),
    packages,
  };
}

function parsePackage(runtime: string, item: string): RuntimePackage {
  const m = /^([^=:]*)=([^=:]*)(?::(.*))?$/.exec(item);
  if (!m) throw refused(`${runtime}: "${printable(item)}" is not name=version`);
  const [, name, version, imports] = m as unknown as [string, string, string, string?];
  if (!DIST.test(name))
    throw refused(`${runtime}: "${printable(name)}" is not a normalized distribution name`);
  if (!VERSION.test(version)) throw refused(`${runtime}: "${printable(version)}" is not a version`);
  const names = imports === undefined ? [defaultImportName(name)] : imports.split('+');
  if (imports !== undefined && !names.every((n) => IMPORT.test(n)))
    throw refused(`${runtime}: ${name} has an import name that is not a Python identifier`);
  return { name, version, imports: names };
}

/** A hostile fragment as it may be quoted in an error: printable ASCII only, bounded. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}...` : clean;
}

/** The names of a view's runtimes, e.g. for display next to a provider. */
export const runtimeNames = (runtimes: readonly RuntimeDescriptor[]): string[] =>
  runtimes.map((r) => r.name);

/** One line about a runtime for people: `python-data (Python 3.11.2; numpy 1.24.2, ...)`. */
export function describeRuntime(r: RuntimeDescriptor, only?: readonly string[]): string {
  if (r.python === undefined) return r.name;
  const shown = only ? r.packages.filter((p) => only.includes(p.name)) : r.packages;
  const list = shown.map((p) => `${p.name} ${p.version}`).join(', ');
  return `${r.name} (Python ${r.python}${list ? `; ${list}` : ''})`;
}

/**
 * A runtime as a provider probed it, made fit to advertise: distribution names normalized,
 * import names that are not identifiers left out (a package with none gets its default), and
 * packages that cannot be written (an odd version) or would repeat a name left out and named in
 * `dropped`. Throws RUNTIMES_INVALID when the runtime itself (name, Python, platform) is not valid.
 */
export function advertisableRuntime(probed: RuntimeDescriptor): {
  runtime: RuntimeDescriptor;
  dropped: string[];
} {
  const dropped: string[] = [];
  const seen = new Set<string>();
  const packages: RuntimePackage[] = [];
  for (const p of probed.packages) {
    const name = normalizeDistName(p.name);
    if (!DIST.test(name) || !VERSION.test(p.version) || seen.has(name)) {
      dropped.push(p.name.replace(/[^\x20-\x7e]/g, '?').slice(0, 64));
      continue;
    }
    seen.add(name);
    const imports = [...new Set(p.imports.filter((i) => IMPORT.test(i)))];
    packages.push({
      name,
      version: p.version,
      imports: imports.length > 0 ? imports : [defaultImportName(name)],
    });
  }
  // in the order they are written, so the advertised view reads back equal to this one
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const p of packages) p.imports.sort();
  const runtime = { ...probed, packages: packages.slice(0, MAX_RUNTIME_PACKAGES) };
  dropped.push(...packages.slice(MAX_RUNTIME_PACKAGES).map((p) => p.name));
  encodeRuntimes([runtime]);
  return { runtime, dropped };
}
