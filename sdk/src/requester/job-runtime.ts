import type { Address } from 'viem';
import { unpackPayload } from '../job/payload.js';
import type { PackedPayload } from '../project/pack-project.js';
import { externalImports } from '../runtime/project-imports.js';
import {
  checkEntryRuntime,
  chooseEntryRuntime,
  choosesByImports,
} from '../runtime/entry-runtime.js';
import { runtimeLanguage } from '../runtime/runtime-catalog.js';
import { chooseRuntime, type RuntimeChoice } from '../runtime/runtime-choice.js';
import type { RuntimeDescriptor } from '../runtime/runtime-descriptor.js';
import { parseRequirement } from '../runtime/version-specifiers.js';
import type { RequesterContext, RunRequest } from './run-types.js';

/**
 * The runtime a job runs on, from what its project imports and what the market's active
 * providers advertise (only the named provider's, when the job is offered to one), holding the
 * declared requirements the payload leaves to the runtime. Throws IMPORTS_MISSING or
 * DEPENDENCY_NOT_IN_RUNTIME, before anything is stored or posted, when no runtime can run it.
 */
export async function chooseJobRuntime(
  ctx: Pick<RequesterContext, 'index'>,
  request: Pick<RunRequest, 'runtime' | 'provider' | 'declaredDependencies'>,
  payload: PackedPayload,
): Promise<RuntimeChoice> {
  const { files, entrypoint } = await unpackPayload(payload.bytes);
  if (request.runtime !== undefined) checkEntryRuntime(request.runtime, entrypoint);
  const advertised = await advertisedRuntimes(ctx, request.provider);
  if (!choosesByImports(entrypoint))
    return chooseEntryRuntime({ entrypoint, explicit: request.runtime, advertised });
  return chooseRuntime({
    imports: externalImports(files, entrypoint),
    advertised: pythonRuntimes(advertised),
    ...(request.runtime !== undefined ? { explicit: request.runtime } : {}),
    declared: request.declaredDependencies ?? declaredIn(payload),
    needs: (payload.summary.dependencies?.fromRuntime ?? []).map((r) => r.requirement),
  });
}

/**
 * The advertised runtimes a Python entry may run on: every one but the catalog's runtimes for
 * other languages (a name the catalog lacks is judged by what its provider says it holds).
 */
export const pythonRuntimes = (advertised: readonly RuntimeDescriptor[]): RuntimeDescriptor[] =>
  advertised.filter((d) => (runtimeLanguage(d.name) ?? 'python') === 'python');

/**
 * The market view a runtime is chosen from, read once: every runtime the active providers
 * advertise (only the named provider's, when the job is offered to one), a name advertised
 * alone standing for itself.
 */
export async function advertisedRuntimes(
  ctx: Pick<RequesterContext, 'index'>,
  provider: Address | undefined,
): Promise<RuntimeDescriptor[]> {
  await ctx.index.sync();
  const wanted = provider?.toLowerCase();
  return ctx.index
    .activeProviders()
    .filter((p) => wanted === undefined || p.address.toLowerCase() === wanted)
    .flatMap((p) => p.runtimeDescriptors ?? p.runtimes.map((name) => ({ name, packages: [] })));
}

/**
 * The distributions a packed payload brings: what it declares by name, and every wheel that
 * travels (a dependency pulled in by another provides its modules just the same).
 */
export function declaredIn(payload: Pick<PackedPayload, 'summary'>): string[] {
  const dependencies = payload.summary.dependencies;
  if (!dependencies) return [];
  const named = dependencies.requirements.flatMap((r) => parseRequirement(r)?.name ?? []);
  // a wheel's file name starts with its distribution name, `-` written as `_` (PEP 427)
  const wheels = dependencies.wheels.map((w) => w.path.slice(0, w.path.indexOf('-')));
  return [...new Set([...named, ...wheels])];
}
