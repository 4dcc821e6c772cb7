import {
  authorizationLines,
  dearestPrice,
  formatRate,
  formatTokens,
  parseAllowance,
} from '@orange-cloud/sdk';
import { stage, withSession, type NetworkFlags } from '../context.js';
import { toJson } from '../format.js';

export interface PayStatusOptions extends NetworkFlags {
  json?: boolean;
}

export interface PayAuthorizeOptions extends NetworkFlags {
  /** Tokens per second, as typed. */
  allowance: string;
  json?: boolean;
}

/** `orange pay status`: balance, authorization and allowance left. */
export async function status(opts: PayStatusOptions): Promise<void> {
  await withSession(opts, async (session) => {
    const { terms, availableWei, authorization } = await session.paymentStatus();
    if (opts.json) {
      process.stdout.write(toJson({ ...terms, availableWei, ...authorization }) + '\n');
      return;
    }
    console.log(`token      ${terms.symbol} (super token ${terms.superToken})`);
    console.log(`available  ${formatTokens(availableWei, terms)}`);
    console.log(
      authorization.complete
        ? `market     ${terms.market} may stream for you; allowance left ${formatRate(authorization.flowRateAllowance, terms)}`
        : `market     ${terms.market} is not authorized: run \`npx orange pay authorize\``,
    );
  });
}

/** `orange pay authorize`: lets the market stream job payments, within a flow-rate budget. */
export async function authorize(opts: PayAuthorizeOptions): Promise<void> {
  await withSession(opts, async (session) => {
    const terms = await session.market.paymentTerms();
    const allowance = parseAllowance(opts.allowance, terms);
    const dearest = dearestPrice(session.index.activeProviders());
    if (!opts.json) for (const line of authorizationLines(terms, allowance, dearest)) stage(line);
    const authorization = await session.authorizePayments(allowance);
    if (opts.json) process.stdout.write(toJson({ market: terms.market, ...authorization }) + '\n');
    else stage(`authorized: allowance ${formatRate(authorization.flowRateAllowance, terms)}`);
  });
}

/** `orange pay revoke`: takes back the market's permission to stream. */
export async function revoke(opts: NetworkFlags): Promise<void> {
  await withSession(opts, async (session) => {
    await session.revokePayments();
    stage('revoked: no new job of yours can start until you authorize again');
  });
}
