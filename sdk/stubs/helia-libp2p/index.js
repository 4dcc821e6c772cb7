// Stands in for @helia/libp2p. `helia` and `@helia/bitswap` depend on @helia/libp2p (^2.1.4),
// whose default configuration pulls WebRTC (and with it react-native), WebSockets, circuit
// relay, AutoNAT, the DHT, mDNS and AutoTLS: about 250 MB of node_modules that Orange Cloud never
// runs. The SDK depends on this folder under that name (`file:` in sdk/package.json); npm places
// it at the root of node_modules and, its version satisfying their range, gives it to both.
// Orange Cloud builds its libp2p node itself (sdk/src/store/libp2p-node.ts). helia imports
// `withLibp2p` only for `createHelia`, which Orange Cloud does not call (it calls
// `createHeliaLight`); @helia/bitswap imports only types. When either needs a newer
// @helia/libp2p, npm installs the real one beside this folder and nothing breaks.

function unavailable(name) {
  return new Error(
    `${name} from @helia/libp2p is not installed in Orange Cloud (see sdk/stubs/helia-libp2p); ` +
      'build the libp2p node with withLibp2pNode from sdk/src/store/libp2p-node.ts.',
  );
}

export function withLibp2p() {
  throw unavailable('withLibp2p');
}

export function withLibp2pLight() {
  throw unavailable('withLibp2pLight');
}

export function libp2pDefaults() {
  throw unavailable('libp2pDefaults');
}
