import {
  catalogRuntime,
  describeRuntime,
  dependencySummaryLine,
  formatRate,
  matchCountText,
  matchText,
  offerMaxCostWei,
  projectSummaryLine,
  quoteMarket,
  releaseMarketOffers,
  runtimeChoiceLines,
  sortMatches,
  type PaymentTerms,
  type ProviderMatch,
} from '@orange-cloud/sdk';
import { openHistoryReader, stage, withSession, type HistoryFlags } from '../context.js';
import { toJson } from '../format.js';
import { packFile, type PackFlags } from '../pack-file.js';

export interface ProvidersOptions extends HistoryFlags, PackFlags {
  /** A file to run: ask every provider for an offer to run it (the match preview). */
  for?: string;
  cpus: number;
  memory: number;
  timeout: number;
  maxPrice?: bigint;
  json?: boolean;
}

/**
 * `orange providers`: the registered providers that take jobs, with their advertisements; with
 * `--for FILE`, each one's signed offer to run FILE on these terms, or why it would not.
 */
export async function providers(opts: ProvidersOptions): Promise<void> {
  if (opts.for !== undefined) return matchPreview(opts.for, opts);
  const { reader, market } = await openHistoryReader(opts);
  const { items: providers } = await reader.activeProviders();
  const terms = await market.paymentTerms();
  if (opts.json) process.stdout.write(toJson(providers) + '\n');
  else
    for (const p of providers) {
      console.log(
        `${p.address}  ${p.cores} cores  ${p.memoryMb} MB  ${formatRate(p.pricePerCoreSecond, terms)} per core  ${p.runtimes.join(',')}`,
      );
      // each runtime with its Python and package versions, when the provider advertised them;
      // a runtime of another language is advertised by name and its catalog entry says the rest
      for (const runtime of p.runtimeDescriptors ?? []) {
        const language = catalogRuntime(runtime.name);
        if (runtime.python !== undefined) console.log(`  ${describeRuntime(runtime)}`);
        else if (language && language.language !== 'python')
          console.log(`  ${runtime.name} (${language.languageVersion})`);
      }
    }
}

/** The match preview: what `orange run FILE` with these flags would be offered. Posts nothing. */
async function matchPreview(file: string, opts: ProvidersOptions): Promise<void> {
  const say = opts.json ? () => {} : stage;
  const { project, dependencies } = await packFile(file, opts, say);
  // What is declared (wheels, an npm tree) is packed with the runtime: say what goes then.
  const packedLater = project.declared !== undefined || project.npm !== undefined;
  if (!packedLater) say(projectSummaryLine(project.packed.summary));
  await withSession(opts, async (session) => {
    const { payload, runtime } = await session.prepare(
      opts.runtime === undefined ? {} : { runtime: opts.runtime },
      project,
      dependencies,
    );
    if (packedLater) say(projectSummaryLine(payload.summary));
    const dependencyLine = dependencySummaryLine(payload.summary);
    if (dependencyLine) say(dependencyLine);
    for (const line of runtimeChoiceLines(runtime)) say(line);
    const asked = {
      runtime: runtime.runtime,
      cores: opts.cpus,
      memoryMb: opts.memory,
      timeoutSec: opts.timeout,
      maxPricePerCoreSecond: opts.maxPrice,
    };
    const matches = sortMatches(await quoteMarket(session, asked));
    try {
      const terms = await session.market.paymentTerms();
      const nowSec = Math.floor(Date.now() / 1000);
      if (opts.json) {
        process.stdout.write(
          toJson({
            runtime: { name: runtime.runtime, reason: runtime.reason },
            asked: { ...asked, maxPricePerCoreSecond: asked.maxPricePerCoreSecond ?? null },
            token: { address: terms.superToken, symbol: terms.symbol, decimals: terms.decimals },
            providers: matches.map((m) => matchJson(m, opts.timeout, terms)),
          }) + '\n',
        );
        return;
      }
      stage(
        `${matchCountText(matches)} for ${opts.cpus} core${opts.cpus === 1 ? '' : 's'}, ${opts.memory} MB, ${opts.timeout} s on ${runtime.runtime}`,
      );
      for (const match of matches)
        console.log(`${match.provider.address}  ${matchLine(match, opts.timeout, terms, nowSec)}`);
      const chosen = matches[0];
      if (chosen?.status === 'offer') stage(`a run would hire ${chosen.provider.address}`);
      if (matches.length === 0) stage('no active provider is registered on this network');
    } finally {
      // Shown, the offers are given back: each would hold a provider's capacity until it expires.
      await releaseMarketOffers(session, matches);
    }
  });
}

/** A row of the preview: "offers 0.000001 OTTx/s per core, …", "declined: …", "offline: …". */
function matchLine(match: ProviderMatch, timeoutSec: number, terms: PaymentTerms, nowSec: number) {
  const text = matchText(match, timeoutSec, terms, nowSec);
  return match.status === 'offer' ? `offers ${text}` : text;
}

/** One provider in `--json`: its offer's terms in wei (decimal strings), or its reason. */
function matchJson(match: ProviderMatch, timeoutSec: number, terms: PaymentTerms) {
  const base = {
    address: match.provider.address,
    endpoint: match.provider.endpoint,
    status: match.status,
  };
  switch (match.status) {
    case 'offer': {
      const { offer, signature } = match.signed;
      return {
        ...base,
        pricePerCoreSecond: offer.pricePerCoreSecond,
        maxCostWei: offerMaxCostWei(offer, timeoutSec, terms),
        expiresAt: offer.expiresAt,
        maxTimeoutSec: offer.maxTimeoutSec,
        nonce: offer.nonce,
        signature,
      };
    }
    case 'declined':
      return { ...base, code: match.decline.code, reason: match.decline.message };
    case 'unfit':
      return { ...base, code: match.code, reason: match.reason };
    case 'offline':
    case 'invalid':
      return { ...base, code: null, reason: match.reason };
  }
}
