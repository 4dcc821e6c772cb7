import { OrangeError } from '../errors.js';

/** One PEP 440 clause: an operator and a version, e.g. `>=3.10` or `==3.11.*`. */
const CLAUSE =
  /^(?<op>~=|===|==|!=|<=|>=|<|>)\s*(?<release>[0-9]+(?:\.[0-9]+)*)(?<wild>\.\*)?(?<suffix>(?:[-_.]?(?:a|b|rc|c|alpha|beta|pre|preview|post|rev|r|dev)[-_.]?[0-9]*)*)(?:\+[A-Za-z0-9.]+)?$/i;

/**
 * Whether a final release (the runtime's Python, e.g. `3.11.2`) satisfies a PEP 440 specifier
 * set such as `>=3.9,<3.13`. The runtime is always a final release, so pre-, post- and
 * dev-release suffixes on the specifier only decide ties. A specifier this cannot read is
 * refused rather than guessed.
 */
export function satisfiesRequiresPython(
  pythonVersion: string,
  specifiers: string,
  where = 'requires-python',
): boolean {
  const version = releaseOf(pythonVersion);
  const clauses = specifiers
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return clauses.every((clause) => {
    const match = CLAUSE.exec(clause);
    if (!match?.groups) throw unreadable(specifiers, clause, where);
    const { op, release, wild, suffix } = match.groups;
    const spec = releaseOf(release!);
    if (wild) {
      if (op !== '==' && op !== '!=') throw unreadable(specifiers, clause, where);
      const equal = compareReleases(version.slice(0, spec.length), spec) === 0;
      return op === '==' ? equal : !equal;
    }
    const order = compareReleases(version, spec) || tieBreak(suffix ?? '');
    if (op === '~=') {
      // ~=X.Y means >=X.Y and ==X.*; ~=X.Y.Z means >=X.Y.Z and ==X.Y.*.
      if (spec.length < 2) throw unreadable(specifiers, clause, where);
      const prefix = spec.slice(0, -1);
      return order >= 0 && compareReleases(version.slice(0, prefix.length), prefix) === 0;
    }
    return ORDERED[op as keyof typeof ORDERED](order);
  });
}

const ORDERED = {
  '==': (order: number) => order === 0,
  '===': (order: number) => order === 0,
  '!=': (order: number) => order !== 0,
  '<': (order: number) => order < 0,
  '<=': (order: number) => order <= 0,
  '>': (order: number) => order > 0,
  '>=': (order: number) => order >= 0,
};

function unreadable(specifiers: string, clause: string, where: string): OrangeError {
  return new OrangeError(
    'DEPENDENCIES_INVALID',
    `${where} ${JSON.stringify(specifiers)} is not a version specifier Orange Cloud can read (at ${JSON.stringify(clause)}).`,
    { hint: 'Write it like ">=3.10" or ">=3.9,<3.13". Nothing was posted.' },
  );
}

function releaseOf(text: string): number[] {
  return text.split('.').map((n) => Number.parseInt(n, 10));
}

/** Compares release segments, padding the shorter with zeros (3.11 == 3.11.0). */
function compareReleases(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** A final release is after the same release's pre- and dev-releases and before its post-releases. */
function tieBreak(suffix: string): number {
  if (suffix === '') return 0;
  return /^[-_.]?(post|rev|r(?!c))/i.test(suffix) ? -1 : 1;
}
