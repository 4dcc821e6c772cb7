/**
 * Test support only: a real IPFS RPC server on loopback, served by js-ipfs
 * (ipfs-core + ipfs-http-server, deprecated but speaking the Kubo RPC API)
 * because no Kubo binary can be installed on the build machine. Offline, no
 * bootstrap, no mDNS, no preload: nothing beyond 127.0.0.1 is contacted.
 */
import { create } from 'ipfs-core';
import { HttpApi } from 'ipfs-http-server';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRpcNode {
  /** Base URL of the RPC API, e.g. http://127.0.0.1:40123 */
  url: string;
  stop(): Promise<void>;
}

export async function startTestRpcNode(): Promise<TestRpcNode> {
  const repo = await mkdtemp(join(tmpdir(), 'orange-js-ipfs-'));
  const ipfs = await create({
    repo,
    offline: true,
    start: false,
    silent: true,
    preload: { enabled: false },
    config: {
      Bootstrap: [],
      Discovery: { MDNS: { Enabled: false }, webRTCStar: { Enabled: false } },
      Addresses: { API: '/ip4/127.0.0.1/tcp/0', Gateway: '', RPC: '', Swarm: [] },
    },
  });
  const api = new HttpApi(ipfs);
  await api.start();
  const server = api._apiServers[0];
  if (server === undefined) throw new Error('js-ipfs started no RPC server');
  return {
    url: server.info.uri,
    async stop() {
      await api.stop();
      await ipfs.stop();
      await rm(repo, { recursive: true, force: true });
    },
  };
}
