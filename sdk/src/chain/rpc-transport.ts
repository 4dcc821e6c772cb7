import { fallback, http, type Transport } from 'viem';

/**
 * The HTTP transport to a chain's RPC: one URL as it is; several as viem's `fallback`, which
 * sends each request to the first URL and, when that one fails (down, refused, timed out), to the
 * next in order. A failing first URL then costs one failed attempt per request, not the job.
 * `retryCount` is how often the whole request is tried again (across every URL for a fallback).
 */
export function rpcTransport(
  urls: readonly string[],
  options: { retryCount?: number } = {},
): Transport {
  const [first, ...rest] = urls;
  if (first === undefined) throw new Error('rpcTransport needs at least one URL');
  if (rest.length === 0) return http(first, options);
  return fallback(
    urls.map((url) => http(url)),
    options,
  );
}
