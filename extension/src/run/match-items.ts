import {
  matchCountText,
  matchText,
  sortMatches,
  type PaymentTerms,
  type ProviderMatch,
} from '@orange-cloud/sdk';
import { shortAddress } from './format.js';

/** One provider's row in Run with Options' last step: its offer, or why it would not run the job. */
export interface MatchItem {
  label: string;
  description: string;
  detail: string;
  /** Set on an offer's row: picking it runs the job with this provider. */
  provider: ProviderMatch['provider']['address'] | undefined;
}

/** Each status's icon (a codicon, drawn by the quick pick). */
const ICONS: Record<ProviderMatch['status'], string> = {
  offer: '$(pass)',
  declined: '$(circle-slash)',
  unfit: '$(circle-large-outline)',
  offline: '$(debug-disconnect)',
  invalid: '$(warning)',
};

/**
 * The match preview as quick pick rows, in the SDK's words (`matchText`, what `orange providers
 * --for` prints): offers first, cheapest first, then every other provider with its reason.
 */
export function matchItems(
  matches: readonly ProviderMatch[],
  timeoutSec: number,
  terms: PaymentTerms,
  nowSec: number,
): MatchItem[] {
  return sortMatches(matches).map((match) => ({
    label: `${ICONS[match.status]} ${shortAddress(match.provider.address)}`,
    description: matchText(match, timeoutSec, terms, nowSec),
    detail: `${match.provider.address} · ${match.provider.endpoint || 'no endpoint'}`,
    provider: match.status === 'offer' ? match.provider.address : undefined,
  }));
}

/** The providers separator's title: "Providers: 2 offers from 3 providers". */
export const matchHeading = (matches: readonly ProviderMatch[]) =>
  `Providers: ${matchCountText(matches)}`;
