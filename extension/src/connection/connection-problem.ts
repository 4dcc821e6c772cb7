import { OrangeError } from '@orange-cloud/sdk';

/** Why the extension cannot talk to the network, said for people. */
export interface ConnectionProblem {
  kind: 'devnetDown' | 'rpcUnreachable';
  /** One line for the view, the status bar tooltip and the notification. */
  title: string;
  /** What fixes it. */
  hint: string;
}

/** What the settings point at when the problem happened. */
export interface ConnectionTarget {
  network: string;
  rpcUrl: string | undefined;
}

// viem's HttpRequestError / WebSocketRequestError, Node's fetch and socket failures.
const UNREACHABLE =
  /HTTP request failed|WebSocket request failed|fetch failed|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|socket hang up|timed? ?out|other side closed/i;

function texts(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && !seen.has(e) && found.length < 10;) {
    seen.add(e);
    if (e instanceof Error) {
      found.push(e.name, e.message);
      const details = (e as { details?: unknown }).details;
      if (typeof details === 'string') found.push(details);
      if (e instanceof OrangeError) found.push(e.code);
    } else {
      found.push(String(e));
    }
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

/**
 * The connection problem behind an error, or undefined when the error is something else. On the
 * devnet an unreachable RPC means the devnet is not running (its state file outlived anvil).
 */
export function connectionProblem(
  error: unknown,
  target: ConnectionTarget,
): ConnectionProblem | undefined {
  const code = error instanceof OrangeError ? error.code : undefined;
  const devnetDown = (): ConnectionProblem => ({
    kind: 'devnetDown',
    title: 'The devnet is not running',
    hint: "Start it (the project's Orange Cloud CLI: devnet up), or pick another network in the settings.",
  });
  if (code === 'DEVNET_DOWN') return devnetDown();
  const unreachable = code === 'RPC_UNREACHABLE' || texts(error).some((t) => UNREACHABLE.test(t));
  if (!unreachable) return undefined;
  if (target.network === 'devnet' && !target.rpcUrl) return devnetDown();
  return {
    kind: 'rpcUnreachable',
    title: `RPC unreachable: ${target.rpcUrl ?? 'the network default'}`,
    hint:
      target.network === 'devnet'
        ? 'Start the devnet, or check the RPC URL in the settings.'
        : 'Check the network connection and the RPC URL in the settings.',
  };
}

/** The problem as an OrangeError, so that notifications show its words and its buttons. */
export function problemError(problem: ConnectionProblem, cause: unknown): OrangeError {
  return new OrangeError(
    problem.kind === 'devnetDown' ? 'DEVNET_DOWN' : 'RPC_UNREACHABLE',
    `${problem.title}.`,
    { hint: problem.hint, cause },
  );
}
