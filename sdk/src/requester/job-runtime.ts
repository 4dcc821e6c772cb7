import { unpackPayload } from '../job/payload.js';
import type { PackedPayload } from '../project/pack-project.js';
import { externalImports } from '../runtime/project-imports.js';
import { chooseRuntime, type RuntimeChoice } from '../runtime/runtime-choice.js';
import type { RuntimeDescriptor } from '../runtime/runtime-descriptor.js';
import type { RequesterContext, RunRequest } from './run-types.js';

/**
 * The runtime a job runs on, from what its project imports and what the market's active
 * providers advertise (only the named provider's, when the job is offered to one). Throws
 * IMPORTS_MISSING, before anything is stored or posted, when no runtime can run it.
 */
export async function chooseJobRuntime(
  ctx: Pick<RequesterContext, 'index'>,
  request: Pick<RunRequest, 'runtime' | 'provider' | 'declaredDependencies'>,
  payload: PackedPayload,
): Promise<RuntimeChoice> {
  await ctx.index.sync();
  const wanted = request.provider?.toLowerCase();
  const advertised: RuntimeDescriptor[] = ctx.index
    .activeProviders()
    .filter((p) => wanted === undefined || p.address.toLowerCase() === wanted)
    .flatMap((p) => p.runtimeDescriptors ?? p.runtimes.map((name) => ({ name, packages: [] })));
  const { files, entrypoint } = await unpackPayload(payload.bytes);
  return chooseRuntime({
    imports: externalImports(files, entrypoint),
    advertised,
    ...(request.runtime !== undefined ? { explicit: request.runtime } : {}),
    ...(request.declaredDependencies ? { declared: request.declaredDependencies } : {}),
  });
}
