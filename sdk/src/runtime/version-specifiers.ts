import { normalizeDistName, type RuntimeDescriptor } from './runtime-descriptor.js';

/**
 * Which declared requirements a runtime already satisfies, so their wheels need not travel.
 * A deliberately small PEP 440 subset: `name`, `name==1.2`, `name>=1.2,<2`, `!=`, `<=`, `>`, `~=`,
 * `==1.2.*` and `!=1.2.*`, compared on release segments (1.2 == 1.2.0). Anything richer (extras,
 * environment markers, URLs, pre-release or local specifiers, `===`) is never counted as
 * satisfied: the requirement is shipped as declared, which is always correct, only larger.
 */

export interface RequirementCheck {
  /** The requirement as declared. */
  requirement: string;
  /** Normalized distribution name, when the requirement could be read. */
  name: string | undefined;
  /** The runtime's installed version that satisfies it; undefined when it must be shipped. */
  satisfiedBy: string | undefined;
}

type Release = number[];

export interface Clause {
  op: '==' | '!=' | '<=' | '>=' | '<' | '>' | '~=';
  release: Release;
  /** `==1.2.*`: compare only the given segments. */
  prefix: boolean;
}

const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(.*)$/s;
const CLAUSE = /^(==|!=|<=|>=|<|>|~=)\s*([0-9]+(?:\.[0-9]+)*)(\.\*)?$/;
const INSTALLED = /^([0-9]+(?:\.[0-9]+)*)(?:\+[A-Za-z0-9.]+)?$/;

/** For each declared requirement, whether `runtime` already holds a version that meets it. */
export function requirementsSatisfiedBy(
  requirements: readonly string[],
  runtime: RuntimeDescriptor,
): RequirementCheck[] {
  const installed = new Map(runtime.packages.map((p) => [p.name, p.version]));
  return requirements.map((requirement) => {
    const parsed = parseRequirement(requirement);
    if (!parsed) return { requirement, name: undefined, satisfiedBy: undefined };
    const version = installed.get(parsed.name);
    const ok =
      version !== undefined &&
      parsed.clauses !== undefined &&
      versionMeets(version, parsed.clauses);
    return { requirement, name: parsed.name, satisfiedBy: ok ? version : undefined };
  });
}

/** Name and clauses of a requirement; clauses undefined when they are outside the subset. */
export function parseRequirement(
  requirement: string,
): { name: string; clauses: Clause[] | undefined } | undefined {
  const m = REQUIREMENT.exec(requirement.trim());
  if (!m) return undefined;
  const name = normalizeDistName(m[1]!);
  const rest = m[2]!.trim();
  // extras, markers and direct URLs change what "installed" means: never treat them as met
  if (/[[;@]/.test(rest)) return { name, clauses: undefined };
  const spec = rest.replace(/^\((.*)\)$/s, '$1').trim();
  if (spec === '') return { name, clauses: [] };
  const clauses: Clause[] = [];
  for (const part of spec.split(',')) {
    const c = CLAUSE.exec(part.trim());
    if (!c) return { name, clauses: undefined };
    const op = c[1] as Clause['op'];
    const prefix = c[3] !== undefined;
    if (prefix && op !== '==' && op !== '!=') return { name, clauses: undefined };
    const release = c[2]!.split('.').map(Number);
    if (op === '~=' && release.length < 2) return { name, clauses: undefined };
    clauses.push({ op, release, prefix });
  }
  return { name, clauses };
}

/** Whether an installed version meets every clause (a version we cannot read meets none). */
export function versionMeets(version: string, clauses: readonly Clause[]): boolean {
  const m = INSTALLED.exec(version);
  if (!m) return false;
  const v = m[1]!.split('.').map(Number);
  return clauses.every((c) => clauseMeets(v, c));
}

function clauseMeets(v: Release, c: Clause): boolean {
  switch (c.op) {
    case '==':
      return c.prefix ? startsWith(v, c.release) : compare(v, c.release) === 0;
    case '!=':
      return c.prefix ? !startsWith(v, c.release) : compare(v, c.release) !== 0;
    case '<=':
      return compare(v, c.release) <= 0;
    case '>=':
      return compare(v, c.release) >= 0;
    case '<':
      return compare(v, c.release) < 0;
    case '>':
      return compare(v, c.release) > 0;
    case '~=':
      // ~=1.4.2 means >=1.4.2, ==1.4.*
      return compare(v, c.release) >= 0 && startsWith(v, c.release.slice(0, -1));
  }
}

/** Compares release segments, the shorter padded with zeros. */
function compare(a: Release, b: Release): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function startsWith(v: Release, prefix: Release): boolean {
  return prefix.every((n, i) => (v[i] ?? 0) === n);
}
