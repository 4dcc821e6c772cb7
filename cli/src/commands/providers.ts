import { describeRuntime, formatRate } from '@orange-cloud/sdk';
import { withSession, type NetworkFlags } from '../context.js';
import { toJson } from '../format.js';

export interface ProvidersOptions extends NetworkFlags {
  json?: boolean;
}

/** `orange providers`: the registered providers that take jobs, with their offers. */
export async function providers(opts: ProvidersOptions): Promise<void> {
  await withSession(opts, async (session) => {
    const providers = session.index.activeProviders();
    const terms = await session.market.paymentTerms();
    if (opts.json) process.stdout.write(toJson(providers) + '\n');
    else
      for (const p of providers) {
        console.log(
          `${p.address}  ${p.cores} cores  ${p.memoryMb} MB  ${formatRate(p.pricePerCoreSecond, terms)} per core  ${p.runtimes.join(',')}`,
        );
        // each runtime with its Python and package versions, when the provider advertised them
        for (const runtime of p.runtimeDescriptors ?? [])
          if (runtime.python !== undefined) console.log(`  ${describeRuntime(runtime)}`);
      }
  });
}
