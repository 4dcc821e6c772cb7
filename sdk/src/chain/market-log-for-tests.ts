import {
  encodeAbiParameters,
  encodeEventTopics,
  keccak256,
  parseEventLogs,
  toHex,
  type ContractEventName,
  type Hex,
} from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import type { MarketEvent } from './market-state.js';

type Abi = typeof marketAbi;

/** Where a test log sits: its block (and that block's hash, derived from `fork`) and index. */
export interface TestLogPlace {
  block: bigint;
  logIndex: number;
  /** Blocks of the same number on different forks get different hashes. */
  fork?: string;
}

/**
 * Encodes an event the way the market emits it and decodes it the way the index does, so
 * tests of the pure parts get the exact objects a node's logs become.
 */
export function marketLog<N extends ContractEventName<Abi>>(
  eventName: N,
  args: Extract<MarketEvent, { eventName: N }>['args'],
  place: TestLogPlace,
): MarketEvent {
  const item = marketAbi.find((x) => x.type === 'event' && x.name === eventName);
  if (!item || item.type !== 'event') throw new Error(`no event ${eventName}`);
  const values = args as Record<string, unknown>;
  const unindexed = item.inputs.filter((input) => !input.indexed);
  const blockHash = keccak256(toHex(`${place.fork ?? 'main'}:${place.block}`));
  const [event] = parseEventLogs({
    abi: marketAbi,
    logs: [
      {
        address: '0x00000000000000000000000000000000000000aa',
        topics: encodeEventTopics({
          abi: marketAbi,
          eventName,
          args,
        } as never) as [Hex, ...Hex[]],
        data: encodeAbiParameters(
          unindexed,
          unindexed.map((input) => values[input.name]),
        ),
        blockNumber: place.block,
        blockHash,
        logIndex: place.logIndex,
        transactionHash: keccak256(toHex(`${blockHash}:${place.logIndex}`)),
        transactionIndex: place.logIndex,
        removed: false,
      },
    ],
  });
  if (!event) throw new Error(`${eventName} did not decode`);
  return event;
}
