import { isOrangeError } from '../errors.js';
import type { DeclaredDependencies } from '../dependencies/declared.js';
import { leaveToRuntime } from '../dependencies/left-to-runtime.js';
import { runtimesForPython, wheelTarget } from '../dependencies/offered-python.js';
import type { PythonTarget } from '../dependencies/python-target.js';
import { resolveWheels, type ResolvedDependencies } from '../dependencies/resolve-wheels.js';
import type { DependencySources } from '../dependencies/user-dependencies.js';
import {
  packWithDependencies,
  type PackedPayload,
  type ProjectToSend,
} from '../project/pack-project.js';
import { externalImports } from '../runtime/project-imports.js';
import { DEFAULT_RUNTIME } from '../runtime/runtime-catalog.js';
import { chooseRuntime, type RuntimeChoice } from '../runtime/runtime-choice.js';
import type { RuntimeDescriptor } from '../runtime/runtime-descriptor.js';
import { parseRequirement } from '../runtime/version-specifiers.js';
import { checkEntryRuntime, choosesByImports } from '../runtime/entry-runtime.js';
import { advertisedRuntimes, chooseJobRuntime, declaredIn, pythonRuntimes } from './job-runtime.js';
import { packNpmJob } from './npm-job.js';
import type { RequesterContext, RunRequest } from './run-types.js';

/** A job ready to seal: its payload, with wheels for the runtime it runs on. */
export interface PreparedJob {
  payload: PackedPayload;
  runtime: RuntimeChoice;
  /** What the wheels were resolved for; undefined when nothing was declared. */
  target: PythonTarget | undefined;
}

/**
 * Chooses the runtime a project runs on from its imports and one read of the market, then
 * resolves its declared dependencies into wheels for that runtime's advertised Python,
 * platform and glibc, and packs them with it. `requires-python` is checked against the
 * Pythons the providers offer first: the runtime is chosen among those that meet it, and a
 * job none meets is refused naming what is offered. Only a market with no active provider
 * (nothing advertised) falls back to the catalog's facts for the target. Every refusal is an
 * OrangeError before anything is stored or posted.
 */
export async function prepareJob(
  ctx: Pick<RequesterContext, 'index'>,
  request: Pick<RunRequest, 'runtime' | 'provider' | 'declaredDependencies'>,
  project: ProjectToSend,
  dependencies: DependencySources | undefined,
): Promise<PreparedJob> {
  const { declared } = project;
  if (request.runtime !== undefined) checkEntryRuntime(request.runtime, project.payload.entrypoint);
  if (!declared || !dependencies || !choosesByImports(project.payload.entrypoint)) {
    const runtime = await chooseJobRuntime(ctx, request, project.packed);
    // A Node.js project's package.json: its tree for the chosen runtime's platform.
    const payload = dependencies?.npm && (await packNpmJob(project, runtime, dependencies.npm));
    return { payload: payload || project.packed, runtime, target: undefined };
  }
  const advertised = pythonRuntimes(await advertisedRuntimes(ctx, request.provider));
  const { kept, unavailable } = runtimesForPython(declared, advertised, request.runtime);
  const { fromRuntime, toFetch } = leaveToRuntime(
    declared.requirements,
    dependencies.runtimes ?? [],
  );
  const route = (declaredNames: readonly string[]) =>
    chooseRuntime({
      imports: externalImports(project.payload.files, project.payload.entrypoint),
      advertised: kept,
      unavailable,
      ...(request.runtime !== undefined ? { explicit: request.runtime } : {}),
      declared: request.declaredDependencies ?? declaredNames,
      needs: fromRuntime.map((r) => r.requirement),
    });
  const named = declared.requirements.flatMap((r) => parseRequirement(r)?.name ?? []);
  let runtime: RuntimeChoice | undefined;
  try {
    runtime = route(named);
  } catch (error) {
    // A wheel pip pulls in may bring an import no declared name explains (`import urllib3`
    // with `requests` declared): fetch for the default runtime, then judge with its wheels.
    if (!isOrangeError(error) || error.code !== 'IMPORTS_MISSING' || toFetch.length === 0)
      throw error;
  }
  const first = runtime?.runtime ?? request.runtime ?? DEFAULT_RUNTIME;
  const target = wheelTarget(first, runtime?.descriptor ?? descriptorOf(kept, first));
  let payload = await resolveAndPack(project, declared, dependencies, target);
  if (runtime) return { payload, runtime, target };

  runtime = route(declaredIn(payload));
  const chosenTarget = wheelTarget(runtime.runtime, runtime.descriptor);
  if (sameTarget(chosenTarget, target)) return { payload, runtime, target };
  payload = await resolveAndPack(project, declared, dependencies, chosenTarget);
  return { payload, runtime, target: chosenTarget };
}

async function resolveAndPack(
  project: ProjectToSend,
  declared: DeclaredDependencies,
  dependencies: DependencySources,
  target: PythonTarget,
): Promise<PackedPayload> {
  const resolved: ResolvedDependencies = await resolveWheels(declared, {
    ...dependencies,
    target,
  });
  return packWithDependencies(project, resolved);
}

/** The first advertised descriptor of a runtime that says what it runs. */
const descriptorOf = (advertised: readonly RuntimeDescriptor[], name: string) =>
  advertised.find((d) => d.name === name && d.python !== undefined);

const sameTarget = (a: PythonTarget, b: PythonTarget) =>
  a.pythonVersion === b.pythonVersion &&
  a.implementation === b.implementation &&
  a.abis.join() === b.abis.join() &&
  a.platforms.join() === b.platforms.join();
