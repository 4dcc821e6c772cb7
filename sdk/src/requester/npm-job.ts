import { npmTarget, LINUX_X64_GLIBC } from '../dependencies/npm/npm-target.js';
import { resolveNpmDependencies, type NpmSource } from '../dependencies/npm/resolve-npm.js';
import {
  packWithNpmDependencies,
  type PackedPayload,
  type ProjectToSend,
} from '../project/pack-project.js';
import { catalogRuntime } from '../runtime/runtime-catalog.js';
import type { RuntimeChoice } from '../runtime/runtime-choice.js';

/**
 * The project packed with its npm tree, prepared for the chosen runtime's platform (what its
 * provider advertises, else the catalog's facts), when the runtime takes npm dependencies and
 * the project's package.json declares some; undefined otherwise. Install scripts the user did
 * not allow are refused here, before anything is posted.
 */
export async function packNpmJob(
  project: ProjectToSend,
  runtime: RuntimeChoice,
  source: NpmSource,
): Promise<PackedPayload | undefined> {
  const catalog = catalogRuntime(runtime.runtime);
  if (!project.npm || catalog?.dependencies !== 'npm') return undefined;
  const advertised = runtime.descriptor;
  const target =
    (advertised?.platform && advertised.libc && npmTarget(advertised.platform, advertised.libc)) ||
    npmTarget(catalog.platform, catalog.libc) ||
    LINUX_X64_GLIBC;
  const prepared = await resolveNpmDependencies(project.npm, { ...source, target });
  return packWithNpmDependencies(project, prepared);
}
