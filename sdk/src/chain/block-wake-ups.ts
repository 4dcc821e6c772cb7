import type { OrangeError } from '../errors.js';
import { explainChainError } from './chain-errors.js';
import type { MarketClient } from './market-client.js';

export interface BlockWakeUpOptions {
  /** Called on every announced block, and by the heartbeat when a block went unannounced. */
  wake: () => Promise<void>;
  /** Whether `head` is a block the reader has not read: the heartbeat's test. */
  isBehind: (head: bigint) => boolean;
  /** Read the head this often (ms) even without an announcement. */
  heartbeatMs: number;
  onError: (error: OrangeError) => void;
}

/**
 * viem shares one WebSocket per URL within a process, so readers on the same node share it:
 * the last one to stop closes it, not the first.
 */
const socketUsers = new Map<string, number>();

/**
 * Wakes a reader on new blocks: a newHeads subscription (WebSocket when the network has one,
 * block polling otherwise) plus a heartbeat. A subscription can die or miss a block silently,
 * and on an automining devnet no later block may ever come to make up for it: without the
 * heartbeat a missed wake-up would leave the reader behind for good. Returns `stop`.
 */
export function wakeOnNewBlocks(
  client: MarketClient,
  options: BlockWakeUpOptions,
): () => Promise<void> {
  const { wake, isBehind, heartbeatMs, onError } = options;
  const watcher = client.subscriptionClient();
  const socketUrl = client.connection.wsUrl;
  let closeSocket: (() => Promise<void>) | undefined;
  if (socketUrl) {
    socketUsers.set(socketUrl, (socketUsers.get(socketUrl) ?? 0) + 1);
    closeSocket = async () => {
      const left = (socketUsers.get(socketUrl) ?? 1) - 1;
      socketUsers.set(socketUrl, left);
      if (left > 0) return;
      // viem keeps the socket open (and reconnecting) after unwatching; close it.
      const transport = watcher.transport as { getRpcClient?: () => Promise<{ close(): void }> };
      if (transport.getRpcClient) (await transport.getRpcClient()).close();
    };
  }
  const reading = (error: unknown) => onError(explainChainError(error, 'Reading market events'));
  const unwatch = watcher.watchBlockNumber({
    emitMissed: false,
    onBlockNumber: () => void wake().catch(reading),
    onError: (error) => onError(explainChainError(error, 'Watching new blocks')),
  });
  // One cheap call per beat: the logs are only read when a block came that nobody announced.
  const catchUp = async () => {
    const head = await client.publicClient.getBlockNumber({ cacheTime: 0 });
    if (isBehind(head)) await wake();
  };
  const heartbeat = setInterval(() => void catchUp().catch(reading), heartbeatMs);
  heartbeat.unref();

  return async () => {
    clearInterval(heartbeat);
    unwatch();
    const close = closeSocket;
    closeSocket = undefined;
    await close?.().catch(() => undefined);
  };
}
