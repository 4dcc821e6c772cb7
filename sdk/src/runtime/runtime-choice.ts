import { OrangeError } from '../errors.js';
import {
  catalogImports,
  catalogRuntime,
  DEFAULT_RUNTIME,
  RUNTIME_CATALOG,
} from './runtime-catalog.js';
import type { ExternalImport } from './project-imports.js';
import {
  defaultImportName,
  normalizeDistName,
  type RuntimeDescriptor,
  type RuntimePackage,
} from './runtime-descriptor.js';
import { parseRequirement, requirementsSatisfiedBy } from './version-specifiers.js';

/** A dependency the job declares (PEP 723, requirements.txt, pyproject), by distribution name. */
export interface DeclaredDistribution {
  name: string;
  /** Its top-level import names, when known (e.g. read from its wheel). */
  imports?: readonly string[];
}

export interface RuntimeChoiceInput {
  /** What the project imports beyond the standard library and itself (`externalImports`). */
  imports: readonly ExternalImport[];
  /** Declared dependencies: names (`scikit-learn`) or names with their import names. */
  declared?: readonly (string | DeclaredDistribution)[];
  /**
   * Declared requirements left to the runtime (not shipped as wheels, `fromRuntime` in the
   * dependency summary): the chosen runtime must hold each at a compatible version.
   */
  needs?: readonly string[];
  /** The runtime the user asked for, if any. */
  explicit?: string;
  /** Every runtime the active providers advertise, in the market's order (duplicates allowed). */
  advertised: readonly RuntimeDescriptor[];
  /**
   * Runtimes never chosen although the catalog knows them: the market offers them, but not as
   * the job needs them (`runtimesForPython`: no Python that meets its requires-python).
   */
  unavailable?: readonly string[];
}

/** An import the chosen runtime provides, and from which installed distribution. */
export interface ProvidedImport {
  name: string;
  distribution: string | undefined;
  version: string | undefined;
}

export interface RuntimeChoice {
  runtime: string;
  /**
   * What the first provider advertising it says the runtime holds (Python version, platform,
   * packages): what declared dependencies are resolved for (`wheelTarget`). Undefined when no
   * provider advertised more than the name.
   */
  descriptor: RuntimeDescriptor | undefined;
  /** Why this runtime, in a sentence for people. */
  reason: string;
  /** Imports the runtime itself provides. */
  provided: ProvidedImport[];
  /** Imports the declared dependencies provide. */
  declared: string[];
  /** Optional imports (inside a `try` that copes) that the runtime lacks. */
  optionalMissing: string[];
  /**
   * Imports nothing is known to provide, left to declared dependencies whose import names
   * are unknown (a distribution named unlike its module): not refused, but worth a warning.
   */
  unsure: string[];
}

/** What is known of one runtime name across the market: each provider's view, or the catalog's. */
interface RuntimeKnowledge {
  name: string;
  /** Per provider that advertised facts: import name -> package. */
  views: Map<string, RuntimePackage | undefined>[];
}

const listOf = (names: readonly string[]) =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * Picks the runtime a job runs on, before anything is posted: the one asked for, else python3
 * when it has every import and every requirement left to the runtime, else the first advertised
 * runtime that has them all (so `import numpy`, or a declared `numpy>=1.20` left to the runtime,
 * goes to python-data by itself). An import counts as provided by the runtime's packages (the
 * providers' advertised import names), the standard library, the project, or a declared
 * dependency. Throws IMPORTS_MISSING, naming the imports and the fix, when no runtime can run
 * it, and DEPENDENCY_NOT_IN_RUNTIME when no runtime on offer (or not the one asked for) holds
 * a requirement left to it.
 */
export function chooseRuntime(input: RuntimeChoiceInput): RuntimeChoice {
  const known = knowledge(input.advertised);
  const declared = (input.declared ?? []).map((d) => (typeof d === 'string' ? { name: d } : d));
  const byDeclared = declaredImports(declared, input.advertised);
  const explained = new Set(declared.map((d) => normalizeDistName(d.name)));
  const required = input.imports.filter((i) => !i.optional).map((i) => i.name);
  const declaredHits = required.filter((name) => byDeclared.has(name));
  for (const name of declaredHits) explained.delete(byDeclared.get(name)!);
  const needed = required.filter((name) => !byDeclared.has(name));
  const needs = input.needs ?? [];

  const missingOn = (runtime: string) => needed.filter((name) => !provides(known, runtime, name));
  const unmetOn = (runtime: string) => needs.filter((r) => !holds(input.advertised, runtime, r));
  const unavailable = new Set(input.unavailable ?? []);
  const fitsAll = (runtime: string) =>
    !unavailable.has(runtime) && missingOn(runtime).length === 0 && unmetOn(runtime).length === 0;
  const choice = (runtime: string, reason: string): RuntimeChoice => {
    const have = (name: string) => provides(known, runtime, name);
    const missing = missingOn(runtime);
    return {
      runtime,
      descriptor: input.advertised.find((d) => d.name === runtime && d.python !== undefined),
      reason,
      provided: needed.filter(have).map((name) => providedBy(known, runtime, name)),
      declared: declaredHits,
      optionalMissing: input.imports
        .filter((i) => i.optional && !have(i.name) && !byDeclared.has(i.name))
        .map((i) => i.name),
      unsure: missing,
    };
  };
  // Declared distributions that explain no import may well provide the missing ones under
  // another name (`import yaml` from pyyaml): do not refuse what might run.
  const mayBeDeclared = explained.size > 0;

  if (input.explicit !== undefined) {
    const unmet = unmetOn(input.explicit);
    if (unmet.length > 0) throw notInRuntime(unmet, input.explicit, input.advertised);
    const missing = missingOn(input.explicit);
    const checkable = known.has(input.explicit)
      ? judgeable(known, input.explicit)
      : catalogRuntime(input.explicit) !== undefined;
    if (missing.length > 0 && checkable && !mayBeDeclared)
      throw missingImports(input.explicit, missing, known);
    return choice(input.explicit, 'asked for');
  }
  if (fitsAll(DEFAULT_RUNTIME)) {
    const reason =
      needed.length === 0 && needs.length === 0
        ? 'the standard library, the project and its declared dependencies cover every import'
        : `${DEFAULT_RUNTIME} has ${listOf([...needed, ...needs])}`;
    return choice(DEFAULT_RUNTIME, reason);
  }
  const offered = [...known.keys()].filter((name) => judgeable(known, name));
  const fits = offered.find(fitsAll);
  if (fits) {
    const lacking = [...missingOn(DEFAULT_RUNTIME), ...unmetOn(DEFAULT_RUNTIME)];
    if (lacking.length === 0)
      return choice(fits, `${DEFAULT_RUNTIME} is not offered with the Python the job requires`);
    return choice(fits, `${fits} has ${listOf(lacking)}, which ${DEFAULT_RUNTIME} lacks`);
  }
  const candidates = [DEFAULT_RUNTIME, ...offered].filter(
    (name) => !unavailable.has(name) && unmetOn(name).length === 0,
  );
  if (candidates.length === 0) throw notInRuntime(needs, undefined, input.advertised);
  if (mayBeDeclared) {
    // the runtime that lacks the fewest, counting on the declared dependencies for the rest
    const best = candidates.reduce((a, b) => (missingOn(b).length < missingOn(a).length ? b : a));
    return choice(
      best,
      `${best} lacks the fewest imports; the declared dependencies may provide the rest`,
    );
  }
  throw missingImports(candidates[0]!, missingOn(candidates[0]!), known);
}

/**
 * Whether a runtime holds a requirement left to it: every provider advertising the runtime
 * (any of them may take the job) meets it, by its advertised versions when it gave them, else
 * by the catalog's; a runtime nobody advertises is judged by the catalog alone.
 */
function holds(
  advertised: readonly RuntimeDescriptor[],
  runtime: string,
  requirement: string,
): boolean {
  const catalog = catalogRuntime(runtime);
  const views = advertised
    .filter((d) => d.name === runtime)
    .map((d) => (d.python !== undefined ? d : catalog));
  const judged = views.length > 0 ? views : [catalog];
  return judged.every(
    (d) =>
      d !== undefined && requirementsSatisfiedBy([requirement], d)[0]!.satisfiedBy !== undefined,
  );
}

/** Refuses requirements left to the runtime that `asked` (or every runtime on offer) lacks. */
function notInRuntime(
  unmet: readonly string[],
  asked: string | undefined,
  advertised: readonly RuntimeDescriptor[],
): OrangeError {
  const names = new Set([...advertised.map((d) => d.name), ...RUNTIME_CATALOG.map((r) => r.name)]);
  const elsewhere = [...names].filter(
    (name) => name !== asked && unmet.every((r) => holds(advertised, name, r)),
  );
  const one = unmet.length === 1;
  const them = one ? 'it' : 'them';
  const has =
    elsewhere.length > 0
      ? `; ${listOf(elsewhere)} ${elsewhere.length === 1 ? 'has' : 'have'} ${them}`
      : '';
  const message = `The declared ${listOf(unmet)} ${one ? 'is' : 'are'} left to the runtime, but ${asked ?? 'no runtime on offer'} ${asked ? 'does not hold' : 'holds'} ${them} at a compatible version${asked ? advertisedVersions(advertised, asked, unmet) : ''}${has}.`;
  const hint = asked
    ? `Ask for a runtime that has ${them}, or pin a version ${asked} holds. Nothing was posted.`
    : `${elsewhere.length > 0 ? `No provider on this network offers ${listOf(elsewhere)} right now. ` : ''}To ship ${one ? 'it as a wheel' : 'them as wheels'} instead, ask for ${DEFAULT_RUNTIME} (--runtime ${DEFAULT_RUNTIME}). Nothing was posted.`;
  return new OrangeError('DEPENDENCY_NOT_IN_RUNTIME', message, { hint });
}

/** ` (its providers advertise numpy 1.19.5)`: what the runtime holds instead, when it says. */
function advertisedVersions(
  advertised: readonly RuntimeDescriptor[],
  runtime: string,
  unmet: readonly string[],
): string {
  const names = new Set(unmet.map((r) => parseRequirement(r)?.name));
  const seen = new Set<string>();
  for (const d of advertised)
    if (d.name === runtime)
      for (const p of d.packages) if (names.has(p.name)) seen.add(`${p.name} ${p.version}`);
  return seen.size > 0 ? ` (its providers advertise ${[...seen].join(', ')})` : '';
}

function missingImports(
  runtime: string,
  missing: string[],
  known: Map<string, RuntimeKnowledge>,
): OrangeError {
  // a runtime on the market that has them all, else one from the catalog
  const offered = [...known.keys()].find(
    (name) =>
      name !== runtime && judgeable(known, name) && missing.every((m) => provides(known, name, m)),
  );
  const fromCatalog = RUNTIME_CATALOG.find(
    (r) => r.name !== runtime && missing.every((m) => catalogImports(r.name).includes(m)),
  )?.name;
  const other = offered ?? fromCatalog;
  const them = missing.length === 1 ? 'it' : 'them';
  const verb = missing.length === 1 ? 'is' : 'are';
  return new OrangeError(
    'IMPORTS_MISSING',
    `${listOf(missing)} ${verb} not available on ${runtime}: declare ${them} in the script's dependencies${other ? `, or run on ${other}` : ''}`,
    {
      hint:
        other && !offered
          ? `No provider on this network offers ${other} right now. Nothing was posted.`
          : 'Nothing was posted.',
    },
  );
}

/** Whether we know what a runtime holds: a provider said so, or the catalog knows the name. */
const judgeable = (known: Map<string, RuntimeKnowledge>, name: string) =>
  known.get(name)!.views.length > 0 || catalogRuntime(name) !== undefined;

/** For each runtime name: what every provider that advertised facts for it holds. */
function knowledge(advertised: readonly RuntimeDescriptor[]): Map<string, RuntimeKnowledge> {
  const known = new Map<string, RuntimeKnowledge>();
  for (const runtime of advertised) {
    const entry = known.get(runtime.name) ?? { name: runtime.name, views: [] };
    known.set(runtime.name, entry);
    if (runtime.python === undefined) continue;
    const view = new Map<string, RuntimePackage | undefined>();
    for (const p of runtime.packages) for (const name of p.imports) view.set(name, p);
    entry.views.push(view);
  }
  return known;
}

/**
 * Whether a runtime provides an import: some provider advertising it holds the module; a name
 * advertised bare is taken at its catalog word.
 */
function provides(known: Map<string, RuntimeKnowledge>, runtime: string, name: string): boolean {
  const views = known.get(runtime)?.views ?? [];
  if (views.length > 0) return views.some((v) => v.has(name));
  return catalogImports(runtime).includes(name);
}

function providedBy(
  known: Map<string, RuntimeKnowledge>,
  runtime: string,
  name: string,
): ProvidedImport {
  const p = known
    .get(runtime)
    ?.views.map((v) => v.get(name))
    .find((x) => x !== undefined);
  return { name, distribution: p?.name, version: p?.version };
}

/** Import name -> the declared distribution (normalized) that provides it. */
function declaredImports(
  declared: readonly DeclaredDistribution[],
  advertised: readonly RuntimeDescriptor[],
): Map<string, string> {
  const advertisedImports = new Map<string, readonly string[]>();
  for (const r of advertised) for (const p of r.packages) advertisedImports.set(p.name, p.imports);
  const out = new Map<string, string>();
  for (const d of declared) {
    const name = normalizeDistName(d.name);
    const imports = d.imports ?? advertisedImports.get(name) ?? [defaultImportName(name)];
    for (const i of imports) out.set(i, name);
  }
  return out;
}

/** What a shell shows about the choice: the runtime and why, then anything worth a note. */
export function runtimeChoiceLines(c: RuntimeChoice): string[] {
  const versions = c.provided
    .filter((p) => p.distribution !== undefined)
    .map((p) => `${p.distribution} ${p.version}`);
  const lines = [
    `runtime ${c.runtime}: ${c.reason}${versions.length > 0 ? ` (${versions.join(', ')})` : ''}`,
  ];
  if (c.unsure.length > 0)
    lines.push(
      `not known to be on ${c.runtime}, left to the declared dependencies: ${c.unsure.join(', ')}`,
    );
  if (c.optionalMissing.length > 0)
    lines.push(
      `optional imports ${c.runtime} lacks (the script handles their absence): ${c.optionalMissing.join(', ')}`,
    );
  return lines;
}
