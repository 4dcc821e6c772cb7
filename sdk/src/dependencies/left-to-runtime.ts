import type { RuntimeDescriptor } from '../runtime/runtime-descriptor.js';
import { requirementsSatisfiedBy } from '../runtime/version-specifiers.js';

/** A declared requirement that a runtime's image already holds, so no wheel travels for it. */
export interface RuntimeProvidedRequirement {
  /** The requirement as declared, e.g. `numpy>=1.20`. */
  requirement: string;
  /** The runtime that holds it, e.g. `python-data`: routing sends the job to a runtime that does. */
  runtime: string;
}

/**
 * Splits declared requirements into those a runtime already holds at a compatible version
 * (left to it: not fetched, not shipped) and those pip must fetch. One runtime stands for them
 * all, the candidate that holds the most (the earlier on a tie, so python3 before python-data),
 * so a runtime holding every one of them exists. Requirements outside the small PEP 440 subset
 * `requirementsSatisfiedBy` reads are always fetched.
 */
export function leaveToRuntime(
  requirements: readonly string[],
  candidates: readonly RuntimeDescriptor[],
): { fromRuntime: RuntimeProvidedRequirement[]; toFetch: string[] } {
  let best: { runtime: string; held: Set<string> } | undefined;
  for (const candidate of candidates) {
    const held = new Set(
      requirementsSatisfiedBy(requirements, candidate)
        .filter((check) => check.satisfiedBy !== undefined)
        .map((check) => check.requirement),
    );
    if (held.size > (best?.held.size ?? 0)) best = { runtime: candidate.name, held };
  }
  if (!best) return { fromRuntime: [], toFetch: [...requirements] };
  const { runtime, held } = best;
  return {
    fromRuntime: requirements
      .filter((r) => held.has(r))
      .map((requirement) => ({ requirement, runtime })),
    toFetch: requirements.filter((r) => !held.has(r)),
  };
}
