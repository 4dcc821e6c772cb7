import { OrangeError } from '../errors.js';

/**
 * The errors a content store raises on purpose, one factory per code so the
 * wording stays the same wherever the condition is detected.
 */

export function invalidCid(cid: string, cause?: unknown): OrangeError {
  return new OrangeError('INVALID_CID', `"${truncate(cid)}" is not a valid IPFS CID.`, {
    hint: 'Check that the CID was copied completely (it usually starts with "bafy" or "Qm").',
    cause,
  });
}

/**
 * A store answered a put with a CID other than the one computed here: whatever it stored is not
 * these bytes (or not under the agreed import profile), so nothing may point at it.
 */
export function cidMismatch(expected: string, returned: string, url: string): OrangeError {
  return new OrangeError(
    'STORE_CID_MISMATCH',
    `The IPFS node at ${url} answered CID ${truncate(returned)} for content whose CID is ${expected}; nothing was posted.`,
    {
      hint: 'Use an IPFS node you trust, with its default chunker (size-262144); the embedded node always agrees.',
    },
  );
}

export function contentTooLarge(cid: string, maxBytes: number): OrangeError {
  return new OrangeError(
    'CONTENT_TOO_LARGE',
    `Content ${cid} is larger than the allowed ${maxBytes} bytes.`,
    {
      hint: 'Raise the size limit if you trust this content, or ask its author for a smaller result.',
    },
  );
}

export function contentTimeout(cid: string, timeoutMs: number, cause?: unknown): OrangeError {
  return new OrangeError(
    'CONTENT_TIMEOUT',
    `Content ${cid} could not be found within ${formatSeconds(timeoutMs)} s.`,
    {
      hint: 'The peer holding it may be offline; try again once it is back, or raise the timeout.',
      cause,
    },
  );
}

export function contentNotFound(cid: string, url: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'CONTENT_NOT_FOUND',
    `Content ${cid} is not available from the IPFS node at ${url}.`,
    {
      hint: 'The node does not hold it and could not fetch it; the peer holding it may be offline, or the node may be in offline mode.',
      cause,
    },
  );
}

export function notAFile(cid: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'NOT_A_FILE',
    `Content ${cid} is not a single file (it is a directory or another kind of IPFS object).`,
    {
      hint: 'Check that the CID is the one recorded for this job; Orange Cloud stores every payload as one file.',
      cause,
    },
  );
}

export function contentCorrupt(cid: string, detail: string): OrangeError {
  return new OrangeError('CONTENT_CORRUPT', `Content ${cid} failed verification: ${detail}.`, {
    hint: 'The node that served it returned wrong data; fetch it from another node or store.',
  });
}

export function storeUnreachable(url: string, cause?: unknown): OrangeError {
  return new OrangeError('STORE_UNREACHABLE', `The IPFS RPC endpoint ${url} cannot be reached.`, {
    hint: 'Check that the IPFS node (e.g. IPFS Desktop or your pinning service) is running and the URL is right.',
    cause,
  });
}

export function storeAuthFailed(url: string, status: number): OrangeError {
  return new OrangeError(
    'STORE_AUTH_FAILED',
    `The IPFS RPC endpoint ${url} refused the credentials (HTTP ${status}).`,
    {
      hint: 'Check the authorization header configured for this endpoint (token, expiry, permissions).',
    },
  );
}

export function storeRequestFailed(url: string, detail: string, cause?: unknown): OrangeError {
  return new OrangeError('STORE_REQUEST_FAILED', `The IPFS RPC endpoint ${url} failed: ${detail}`, {
    hint: 'Check the IPFS node logs; the request can be retried.',
    cause,
  });
}

export function invalidMultiaddr(address: string, cause?: unknown): OrangeError {
  return new OrangeError('INVALID_MULTIADDR', `"${truncate(address)}" is not a valid multiaddr.`, {
    hint: 'Use the form /ip4/<address>/tcp/<port>/p2p/<peer id>, as printed by the peer.',
    cause,
  });
}

export function peerUnreachable(address: string, cause?: unknown): OrangeError {
  return new OrangeError('PEER_UNREACHABLE', `Could not connect to the IPFS peer ${address}.`, {
    hint: 'The peer may be offline or behind a firewall; check its address and that its port is open.',
    cause,
  });
}

export function storeStopped(): OrangeError {
  return new OrangeError('STORE_STOPPED', 'The IPFS node has been stopped.', {
    hint: 'Start a new store before putting or getting content.',
  });
}

function formatSeconds(ms: number): string {
  return Number((ms / 1000).toFixed(3)).toString();
}

/** Keeps error messages readable when the caller passes a huge string. */
function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
