import {
  OrangeError,
  advertisableRuntime,
  catalogRuntime,
  entryCommand,
  type RuntimeDescriptor,
  type RuntimePackage,
} from '@orange-cloud/sdk';
import type { Logger } from '../logger.js';
import type { Sandbox } from '../sandbox/types.js';
import { PROBE_SCRIPT } from './probe-script.js';

export interface ProbeComponents {
  sandbox: Pick<Sandbox, 'run' | 'hasImage'>;
  log: Logger;
}

/** Runs a probe in the job sandbox: small, short, and as locked down as any job. */
/** The probe writes nothing under out/: a cap of 0 returns no files even if something did. */
const PROBE_LIMITS = {
  cores: 1,
  memoryMb: 256,
  timeoutSec: 60,
  outputCapBytes: 256 * 1024,
  outputsCapBytes: 0,
};

function probeFailed(name: string, why: string, cause?: unknown): OrangeError {
  return new OrangeError('RUNTIME_PROBE_FAILED', `Probing the ${name} runtime failed: ${why}.`, {
    hint: 'Rebuild its image with scripts/ensure-runtime-image.sh.',
    cause,
  });
}

/** The probe's JSON line as a runtime descriptor fit to advertise (pure). */
export function readProbeOutput(
  name: string,
  stdout: string,
): { runtime: RuntimeDescriptor; dropped: string[] } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  } catch (error) {
    throw probeFailed(name, 'its output is not JSON', error);
  }
  if (typeof raw.python !== 'string' || !Array.isArray(raw.packages))
    throw probeFailed(name, 'its output has no Python version or package list');
  const packages: RuntimePackage[] = raw.packages.flatMap((p: unknown) => {
    const { name: n, version, imports } = (p ?? {}) as Record<string, unknown>;
    if (typeof n !== 'string' || typeof version !== 'string') return [];
    const names = Array.isArray(imports) ? imports.filter((i) => typeof i === 'string') : [];
    return [{ name: n, version, imports: names }];
  });
  try {
    return advertisableRuntime({
      name,
      python: raw.python,
      ...(typeof raw.platform === 'string' ? { platform: raw.platform } : {}),
      ...(typeof raw.libc === 'string' ? { libc: raw.libc } : {}),
      packages,
    });
  } catch (error) {
    throw probeFailed(name, (error as Error).message, error);
  }
}

/**
 * Proves a runtime that is not Python runs in its image, in the sandbox, through the catalog's
 * own command: Node.js prints its version, which must be the catalog's. Such a runtime is
 * advertised by name: the catalog states what its image holds (`languageVersion`).
 */
async function probeNodeRuntime(
  c: ProbeComponents,
  name: string,
  image: string,
): Promise<RuntimeDescriptor> {
  const outcome = await c.sandbox.run({
    jobId: `runtime-probe-${name}`,
    image,
    files: [
      { path: 'probe.js', mode: 0o644, content: new TextEncoder().encode(NODE_PROBE_SCRIPT) },
    ],
    entrypoint: 'probe.js',
    command: entryCommand('node', 'probe.js'),
    ...PROBE_LIMITS,
  });
  const version = new TextDecoder().decode(outcome.stdout).trim();
  const expected = catalogRuntime(name)?.languageVersion;
  if (outcome.exitCode !== 0 || `Node.js ${version}` !== expected) {
    // An image older than the catalog's command line fails here (e.g. a preload it lacks).
    const stderr = lastLine(outcome.stderr);
    throw probeFailed(
      name,
      `its image runs Node.js ${version || '(none)'} (exit code ${outcome.exitCode}${stderr ? `: ${stderr}` : ''}), the catalog says ${expected}`,
    );
  }
  return { name, packages: [] };
}

/** The last line a failed probe printed to stderr (its error), or ''. */
const lastLine = (stderr: Uint8Array) =>
  new TextDecoder().decode(stderr).trim().split('\n').pop() ?? '';

/** What the Node.js probe runs: the version, nothing else. */
const NODE_PROBE_SCRIPT = 'console.log(process.versions.node);\n';

/** Probes one runtime's image: its Python, platform and installed distributions. */
export async function probeRuntime(
  c: ProbeComponents,
  name: string,
  image: string,
): Promise<RuntimeDescriptor> {
  const language = catalogRuntime(name)?.language ?? 'python';
  if (language !== 'python') return probeNodeRuntime(c, name, image);
  const outcome = await c.sandbox.run({
    jobId: `runtime-probe-${name}`,
    image,
    files: [{ path: 'probe.py', mode: 0o644, content: new TextEncoder().encode(PROBE_SCRIPT) }],
    entrypoint: 'probe.py',
    ...PROBE_LIMITS,
  });
  const stdout = new TextDecoder().decode(outcome.stdout);
  if (outcome.exitCode !== 0) {
    const stderr = lastLine(outcome.stderr);
    throw probeFailed(name, `exit code ${outcome.exitCode}${stderr ? ` (${stderr})` : ''}`);
  }
  const { runtime, dropped } = readProbeOutput(name, stdout);
  if (dropped.length > 0) c.log.warn('runtime packages not advertised', { runtime: name, dropped });
  return runtime;
}

/**
 * The runtimes the provider offers, each probed once: the configured names, or (when the
 * configuration names none) every runtime whose image is present. A configured runtime without
 * its image is an error; a probe that fails leaves the runtime advertised by name only.
 */
export async function offeredRuntimes(
  c: ProbeComponents,
  init: { images: Record<string, string>; runtimes: string[] | undefined },
): Promise<RuntimeDescriptor[]> {
  const names = init.runtimes ?? Object.keys(init.images);
  const offered: RuntimeDescriptor[] = [];
  for (const name of names) {
    const image = init.images[name];
    if (!image || !(await c.sandbox.hasImage(image))) {
      if (init.runtimes === undefined) continue;
      throw new OrangeError(
        'RUNTIME_IMAGE_MISSING',
        `The ${name} runtime's image ${image ?? '(none configured)'} is not present on this machine.`,
        {
          hint: `Build it with scripts/ensure-runtime-image.sh ${name}, or stop offering ${name}.`,
        },
      );
    }
    try {
      offered.push(await probeRuntime(c, name, image));
    } catch (error) {
      c.log.warn('runtime probe failed; advertising the name only', {
        runtime: name,
        error: (error as Error).message,
      });
      offered.push({ name, packages: [] });
    }
  }
  if (offered.length === 0) {
    throw new OrangeError('RUNTIME_IMAGE_MISSING', 'No runtime image is present on this machine.', {
      hint: 'Build them with scripts/ensure-runtime-image.sh (or `npm run machine`).',
    });
  }
  return offered;
}
