import { OrangeError } from '../errors.js';
import {
  catalogRuntime,
  entryExtension,
  RUNTIME_CATALOG,
  runtimesForEntry,
  type CatalogRuntime,
} from './runtime-catalog.js';
import type { RuntimeChoice } from './runtime-choice.js';
import type { RuntimeDescriptor } from './runtime-descriptor.js';

const listOf = (names: readonly string[]) =>
  names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Refuses to run an entry on a catalog runtime that does not run its kind of file (`main.py`
 * on node): the requester's clear error before posting, and the provider's before it starts a
 * container. A runtime the catalog does not know is left to its provider.
 */
export function checkEntryRuntime(runtime: string, entrypoint: string): void {
  const known = catalogRuntime(runtime);
  if (!known || known.extensions.includes(entryExtension(entrypoint))) return;
  const fitting = runtimesForEntry(entrypoint).map((r) => r.name);
  throw new OrangeError(
    'RUNTIME_UNSUPPORTED',
    `The ${runtime} runtime runs ${known.extensions.join(', ')} files, not ${base(entrypoint)}.`,
    {
      hint: `${fitting.length > 0 ? `Run it on ${listOf(fitting)}, or pick` : 'Pick'} a ${known.extensions.join('/')} file for ${runtime}. Nothing was posted.`,
    },
  );
}

/** Whether a catalog runtime reads Python imports to be chosen (python3, python-data). */
export const choosesByImports = (entrypoint: string): boolean =>
  runtimesForEntry(entrypoint)[0]?.language === 'python';

/**
 * The runtime for an entry that is not Python (`.js`, `.wasm`): the one asked for, else the
 * catalog's for its file type; either must be advertised by a provider on the market (the one
 * the job is offered to, when named), else RUNTIME_NOT_OFFERED before anything is posted.
 * Python entries go through `chooseRuntime`, which reads their imports.
 */
export function chooseEntryRuntime(input: {
  entrypoint: string;
  explicit?: string;
  advertised: readonly RuntimeDescriptor[];
}): RuntimeChoice {
  const { entrypoint, explicit, advertised } = input;
  const fitting = runtimesForEntry(entrypoint);
  const name = explicit ?? fitting[0]?.name;
  if (name === undefined) throw unsupportedEntry(entrypoint);
  checkEntryRuntime(name, entrypoint);
  const offered = advertised.filter((d) => d.name === name);
  if (offered.length === 0) throw notOffered(name, advertised);
  return {
    runtime: name,
    descriptor: offered.find((d) => d.python !== undefined),
    reason: explicit !== undefined ? 'asked for' : `it runs ${entryExtension(entrypoint)} files`,
    provided: [],
    declared: [],
    optionalMissing: [],
    unsure: [],
  };
}

function unsupportedEntry(entrypoint: string): OrangeError {
  const all = RUNTIME_CATALOG.flatMap((r: CatalogRuntime) => r.extensions);
  return new OrangeError('UNSUPPORTED_FILE', `No runtime runs ${base(entrypoint)}.`, {
    hint: `Run a ${[...new Set(all)].join(', ')} file. Nothing was posted.`,
  });
}

/** A runtime no active provider advertises: say which are offered, and how to get it offered. */
export function notOffered(name: string, advertised: readonly RuntimeDescriptor[]): OrangeError {
  const names = [...new Set(advertised.map((d) => d.name))];
  return new OrangeError(
    'RUNTIME_NOT_OFFERED',
    `No provider on this network offers the ${name} runtime right now${names.length > 0 ? ` (offered: ${names.join(', ')})` : ''}.`,
    {
      hint: `Try again later, pick another runtime, or run a provider that has its image (scripts/ensure-runtime-image.sh ${name}). Nothing was posted.`,
    },
  );
}

/** A runtime a shell may offer the user for an entry, with what it is. */
export interface RuntimeOption {
  name: string;
  description: string;
}

/**
 * The runtimes a user may pick for an entry (Run with Options): the catalog's runtimes for its
 * file type that a provider on the market advertises, in catalog order. One or none: nothing
 * to choose (none is refused, naming what is offered, when the run is prepared).
 */
export function runtimeOptionsFor(
  entrypoint: string,
  advertised: readonly Pick<RuntimeDescriptor, 'name'>[],
): RuntimeOption[] {
  const names = new Set(advertised.map((d) => d.name));
  return runtimesForEntry(entrypoint)
    .filter((r) => names.has(r.name))
    .map((r) => ({ name: r.name, description: r.description }));
}
