import { availableParallelism, totalmem } from 'node:os';
import type { ProviderPolicy } from '../criteria.js';
import { invalid } from '../config.js';
import { fieldLabel, type FieldSources } from './overrides.js';

/** What this machine has to offer. */
export interface Machine {
  cores: number;
  memoryMb: number;
}

export function thisMachine(): Machine {
  return { cores: availableParallelism(), memoryMb: Math.floor(totalmem() / (1024 * 1024)) };
}

/** Refuses an offer of more cores or memory than the machine has, naming the field and the figure. */
export function checkFitsMachine(
  policy: Pick<ProviderPolicy, 'cores' | 'memoryMb'>,
  machine: Machine,
  sources: FieldSources = {},
): void {
  if (policy.cores > machine.cores) {
    throw invalid(
      fieldLabel('offer.cores', sources),
      `is ${policy.cores}, more than the ${machine.cores} ${machine.cores === 1 ? 'core' : 'cores'} this machine has`,
    );
  }
  if (policy.memoryMb > machine.memoryMb) {
    throw invalid(
      fieldLabel('offer.memoryMb', sources),
      `is ${policy.memoryMb} MB, more than the ${machine.memoryMb} MB of memory this machine has`,
    );
  }
}
