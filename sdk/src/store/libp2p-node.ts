import type { Helia, Provider, Router } from '@helia/interface';
import { loadOrCreateSelfKey } from '@libp2p/config';
import type { Libp2p, PeerInfo, ServiceMap } from '@libp2p/interface';
import { peerIdFromCID } from '@libp2p/peer-id';
import { createLibp2p, type Libp2pOptions } from 'libp2p';
import { userAgent } from 'libp2p/user-agent';

/**
 * Gives a Helia node a libp2p node built from exactly `options`, created with `createLibp2p`
 * when Helia starts: the part of @helia/libp2p's `withLibp2pLight` this project uses, without
 * that package, whose default configuration pulls transports never run here (see
 * sdk/stubs/helia-libp2p). As `withLibp2pLight` does, the node's key is kept in Helia's datastore
 * (a directory-backed store keeps its peer id across restarts), it announces Helia's name and
 * version, and Helia routes through libp2p's content and peer routing.
 */
export function withLibp2pNode<H extends Helia, S extends ServiceMap>(
  helia: H,
  options: Libp2pOptions<S>,
): H & { libp2p: Libp2p<S> } {
  let libp2p: Libp2p<S> | undefined;
  Object.defineProperty(helia, 'libp2p', {
    configurable: true,
    enumerable: true,
    get() {
      if (libp2p === undefined) throw new Error('libp2p is not started: start the Helia node');
      return libp2p;
    },
  });
  helia.addMixin({
    name: 'libp2p',
    async start(started: Helia) {
      if (libp2p === undefined) {
        libp2p = await createLibp2p({
          ...options,
          privateKey: options.privateKey ?? (await loadOrCreateSelfKey(started.datastore)),
          datastore: options.datastore ?? started.datastore,
          nodeInfo: {
            name: started.info.name,
            version: started.info.version,
            userAgent: `${started.info.name}/${started.info.version} ${userAgent()}`,
            ...options.nodeInfo,
          },
        });
        if (!started.hasRouter('libp2p-router')) started.addRouter(libp2pRouter(libp2p));
      }
      await libp2p.start();
    },
    async stop() {
      await libp2p?.stop();
    },
  });
  return helia as H & { libp2p: Libp2p<S> };
}

/**
 * Helia's routing over libp2p's, as @helia/libp2p adds it: bitswap asks Helia's routing for
 * providers, and Helia refuses to route without a router. With no DHT configured, libp2p finds
 * none: content moves between peers that dial each other.
 */
function libp2pRouter(libp2p: Libp2p): Router {
  const asPeer = (info: PeerInfo) => ({
    id: info.id.toCID(),
    multiaddrs: info.multiaddrs,
    router: 'libp2p-router',
  });
  return {
    name: 'libp2p-router',
    provide: (cid, options) => libp2p.contentRouting.provide(cid, options),
    cancelReprovide: (key, options) => libp2p.contentRouting.cancelReprovide(key, options),
    async *findProviders(cid, options) {
      for await (const found of libp2p.contentRouting.findProviders(cid, options)) {
        yield { ...asPeer(found), fallback: false } satisfies Provider;
      }
    },
    put: (key, value, options) => libp2p.contentRouting.put(key, value, options),
    get: async (key, options) => new Uint8Array(await libp2p.contentRouting.get(key, options)),
    findPeer: async (peerId, options) =>
      asPeer(await libp2p.peerRouting.findPeer(peerIdFromCID(peerId), options)),
    async *getClosestPeers(key, options) {
      for await (const found of libp2p.peerRouting.getClosestPeers(key, options)) {
        yield asPeer(found);
      }
    },
  };
}
