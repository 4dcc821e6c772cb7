import { setTimeout as delay } from 'node:timers/promises';
import type { ProviderNode } from '../provider-node.js';

/**
 * Resolves once the provider holds no cores or memory. A provider frees a job's capacity only
 * after it has seen the job through on its side (its completion mined, or the cancelled
 * container gone), which can be after the requester already saw the job end. A test that means
 * "the capacity came back" waits for that state here; the test's own timeout is the bound.
 */
export async function capacityFreed(node: Pick<ProviderNode, 'usage'>): Promise<void> {
  for (;;) {
    const { cores, memoryMb } = node.usage();
    if (cores === 0 && memoryMb === 0) return;
    await delay(50);
  }
}
