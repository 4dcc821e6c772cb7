import type { Address } from 'viem';
import type { Logger } from '../logger.js';
import type { Usage } from '../criteria.js';
import type { Activity } from '../observe/activity.js';
import { providerMetrics } from '../observe/provider-metrics.js';
import { providerStatus } from '../observe/provider-status.js';
import { newAdminToken, removeAdminFile, writeAdminFile } from './admin-file.js';
import { startAdminServer, type AdminServer } from './admin-server.js';

/** The running daemon's parts the admin endpoint reads and acts on. */
export interface AdminWiring {
  provider: Address;
  node: { readonly running: boolean };
  desk: { usage(): Usage; hold(on: boolean): void; readonly onHold: boolean };
  /** The offer as it stands now (cores and memory offered). */
  offered(): Usage;
  index: {
    readonly syncedBlock: bigint;
    readonly providers: ReadonlyMap<Address, { active: boolean }>;
  };
  chain: { getBlockNumber(options: { cacheTime: number }): Promise<bigint> };
  activity: Activity;
  log: Logger;
}

/** Whether `provider`'s advertisement stands (addresses compared in any case). */
function registered(providers: AdminWiring['index']['providers'], provider: Address): boolean {
  const me = provider.toLowerCase();
  for (const [address, view] of providers) if (address.toLowerCase() === me) return view.active;
  return false;
}

/**
 * Starts the admin endpoint (`listen`) over the daemon's parts and writes `<stateDir>/admin.json`
 * for `orange-provider status` and the extension; `close` stops it and removes the file.
 */
export async function startAdmin(
  w: AdminWiring,
  listen: { host: string; port: number },
  stateDir: string,
): Promise<AdminServer> {
  const capacity = () => {
    const { cores, memoryMb } = w.offered();
    const used = w.desk.usage();
    return { cores, memoryMb, coresInUse: used.cores, memoryMbInUse: used.memoryMb };
  };
  const head = async () => {
    try {
      return await w.chain.getBlockNumber({ cacheTime: 0 });
    } catch (error) {
      w.activity.rpcError();
      w.log.warn('admin: chain head unreadable', { error: (error as Error).message });
      return undefined;
    }
  };
  const metrics = providerMetrics({
    activity: w.activity,
    capacity,
    paused: () => w.desk.onHold,
    chainLag: async () => {
      const latest = await head();
      return latest === undefined ? undefined : Math.max(0, Number(latest - w.index.syncedBlock));
    },
  });
  const status = () =>
    providerStatus({
      provider: w.provider,
      online: () => w.node.running,
      paused: () => w.desk.onHold,
      registered: () => registered(w.index.providers, w.provider),
      capacity,
      activity: w.activity,
    });
  const token = newAdminToken();
  const server = await startAdminServer(
    {
      health: async () => {
        if (!w.node.running) return { ok: false, why: 'the provider is not started (or stopping)' };
        if ((await head()) === undefined) return { ok: false, why: 'the chain is unreachable' };
        return { ok: true };
      },
      metrics,
      status,
      hold: (on) => w.desk.hold(on),
      log: w.log,
    },
    { ...listen, token },
  );
  await writeAdminFile(stateDir, {
    url: server.url,
    token,
    pid: process.pid,
    provider: w.provider,
  });
  w.log.info('admin endpoint', { url: server.url, metrics: `${server.url}/metrics` });
  return {
    url: server.url,
    close: async () => {
      await removeAdminFile(stateDir);
      await server.close();
    },
  };
}
