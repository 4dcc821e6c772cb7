// Writes abis/OrangeStreamingMarket.json from @orange-cloud/contracts (itself generated from
// forge's build and checked against it by `npm test -w contracts`), so the subgraph's ABI is
// never a stale copy: `npm test` regenerates it before `graph codegen`. The deployed market is
// always OrangeStreamingMarket (sdk/src/chain/deploy-market.ts); it inherits OrangeMarket, and
// this script fails if any OrangeMarket event were missing from its ABI.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { orangeMarketAbi, orangeStreamingMarketAbi } from '@orange-cloud/contracts';

const abisDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'abis');
const signature = (item) => `${item.name}(${item.inputs.map((input) => input.type).join(',')})`;
const streamingEvents = new Set(
  orangeStreamingMarketAbi.filter((item) => item.type === 'event').map(signature),
);
for (const item of orangeMarketAbi.filter((entry) => entry.type === 'event'))
  if (!streamingEvents.has(signature(item)))
    throw new Error(`OrangeStreamingMarket's ABI lacks OrangeMarket's event ${signature(item)}.`);
await mkdir(abisDir, { recursive: true });
await writeFile(
  join(abisDir, 'OrangeStreamingMarket.json'),
  JSON.stringify(orangeStreamingMarketAbi, null, 2) + '\n',
);
