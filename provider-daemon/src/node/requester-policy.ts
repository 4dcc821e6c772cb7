import type { ProviderPolicy } from '../criteria.js';

/**
 * Why the provider's allow/deny lists refuse `requester`, or undefined when they serve it.
 * Without a requester (an offer anyone may hire with) the lists can only be kept by refusing
 * when either is set: a denied requester would hire with an open offer.
 */
export function requesterRefusal(
  policy: Pick<ProviderPolicy, 'allowRequesters' | 'denyRequesters'>,
  requester: string | undefined,
): string | undefined {
  if (requester === undefined) {
    return policy.allowRequesters.length > 0 || policy.denyRequesters.length > 0
      ? 'serves only named requesters'
      : undefined;
  }
  const own = requester.toLowerCase();
  if (policy.denyRequesters.some((a) => a.toLowerCase() === own))
    return 'requester is on the deny list';
  if (
    policy.allowRequesters.length > 0 &&
    !policy.allowRequesters.some((a) => a.toLowerCase() === own)
  )
    return 'requester is not on the allow list';
  return undefined;
}
