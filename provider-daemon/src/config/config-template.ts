import type { Address } from 'viem';
import {
  DEFAULT_OUTPUT_CAP,
  DEFAULT_OUTPUTS_CAP,
  DEFAULT_QUOTE_SETTINGS,
  DEFAULT_SHUTDOWN_GRACE_SEC,
} from '../config.js';

/** What `orange-provider init` decided; everything else in the file is a documented default. */
export interface ConfigTemplateValues {
  network: {
    chainId: number;
    rpcUrls: string[];
    wsUrl?: string | undefined;
    marketAddress: Address;
    deployBlock: bigint;
  };
  keystore: string;
  passphraseEnv: string;
  cores: number;
  memoryMb: number;
  pricePerCoreSecond: bigint;
  /** undefined: every runtime whose image is present. */
  runtimes: string[] | undefined;
  ipfsDirectory: string;
  /** Where the IPFS node and the live endpoint listen: loopback on the devnet, else every interface. */
  listenHost: '127.0.0.1' | '0.0.0.0';
  stateDir: string;
}

const j = (value: unknown) => JSON.stringify(value);

/**
 * The config file as JSON with comments: each field says what it does, so an operator can edit
 * it without the README. loadConfig reads it back to exactly these values.
 */
export function renderConfigTemplate(v: ConfigTemplateValues): string {
  const runtimes =
    v.runtimes === undefined
      ? `    // "runtimes": ["python3", "python-data"],`
      : `    "runtimes": ${j(v.runtimes)},`;
  const publicHost = v.listenHost === '0.0.0.0';
  return `// Orange Cloud provider daemon configuration, written by \`orange-provider init\`.
// JSON with comments. Start the daemon with: orange-provider run --config <this file>
// Flags override the file (--cores, --memory, --price, --rpc-url), and so do environment
// variables (ORANGE_PROVIDER_CORES, ORANGE_PROVIDER_MEMORY_MB, ORANGE_PROVIDER_PRICE,
// ORANGE_PROVIDER_RPC_URLS comma-separated); flags win over the environment.
{
  "network": {
    // The chain the market is on.
    "chainId": ${v.network.chainId},
    // JSON-RPC URLs of that chain, preferred first: when one fails, the next is used.
    "rpcUrls": ${j(v.network.rpcUrls)},
${v.network.wsUrl ? `    // WebSocket RPC for new-block notifications (without it, blocks are polled).\n    "wsUrl": ${j(v.network.wsUrl)},\n` : ''}    // The Orange Cloud market contract, and the block it was deployed in (the event index starts there).
    "marketAddress": ${j(v.network.marketAddress)},
    "deployBlock": ${j(v.network.deployBlock.toString())}
  },

  // The encrypted keystore holding the provider's key: it signs offers and results and gets paid.
  "keystore": ${j(v.keystore)},
  // The environment variable holding the keystore's passphrase.
  "passphraseEnv": ${j(v.passphraseEnv)},

  // What this machine offers. cores and memoryMb may not exceed what the machine has.
  "offer": {
    // CPU cores set aside for jobs.
    "cores": ${v.cores},
    // Memory set aside for jobs, in MB.
    "memoryMb": ${v.memoryMb},
    // The runtimes offered (python3, python-data, node, wasi); left out: every runtime whose image is present.
${runtimes}
    // Price per core-second in wei of the payment token (a string: it may exceed 2^53).
    "pricePerCoreSecond": ${j(v.pricePerCoreSecond.toString())}
  },

  // Whom this provider serves: a non-empty allow list serves only those requesters; the deny list
  // refuses these. 0x addresses.
  "policy": { "allowRequesters": [], "denyRequesters": [] },

  // IPFS, for job inputs and results: an embedded node with its repository in directory, listening
  // on these multiaddresses. Or { "mode": "kubo", "url": "http://127.0.0.1:5001" } for a Kubo node.
  "ipfs": {
    "mode": "embedded",
    "directory": ${j(v.ipfsDirectory)},
    "listen": [${j(`/ip4/${v.listenHost}/tcp/4011`)}]
  },

  // Limits: bytes of stdout + stderr kept per job, and bytes of out/ files returned (<= 512 MiB).
  "outputCapBytes": ${DEFAULT_OUTPUT_CAP},
  "outputsCapBytes": ${DEFAULT_OUTPUTS_CAP},
  // The quote desk: how long an offer holds (s), and the longest job timeout taken (s, <= 1 day).
  "quotes": { "offerTtlSec": ${DEFAULT_QUOTE_SETTINGS.offerTtlSec}, "maxTimeoutSec": ${DEFAULT_QUOTE_SETTINGS.maxTimeoutSec} },

  // The live endpoint: requesters ask it for offers and follow their job's output. port 0 picks a
  // free port at each start.${publicHost ? ' Requesters must reach it: set "endpoint" to its public URL\n  // (e.g. "https://provider.example.org") when this machine is behind a proxy or NAT.' : ''}
  "live": { "host": ${j(v.listenHost)}, "port": ${publicHost ? 8740 : 0} },

  // Where the daemon keeps what must survive a restart (job keys, its database provider.db).
  "stateDir": ${j(v.stateDir)},
  // On SIGTERM/SIGINT, how long running jobs get to finish before they are failed (s).
  "shutdownGraceSec": ${DEFAULT_SHUTDOWN_GRACE_SEC},

  // How job containers are isolated: "runc" (Docker's default) or "runsc" (gVisor, which must be
  // installed and registered with Docker).
  "sandbox": { "runtime": "runc" }
}
`;
}
