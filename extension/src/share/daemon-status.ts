import { OrangeError } from '@orange-cloud/sdk';
import type { EarningsReport } from './earnings.js';

/** The daemon's `GET /status` (spec-12.md; helper obs builds it): bigints as decimal strings. */
export interface DaemonStatus {
  provider: string;
  online: boolean;
  paused: boolean;
  registered: boolean;
  capacity: { cores: number; memoryMb: number; coresInUse: number; memoryMbInUse: number };
  running: {
    jobId: string;
    requester: string;
    startedAt: number;
    ratePerSecondWei: string;
    runtime: string;
  }[];
  served: {
    jobId: string;
    state: string;
    endedAt: number;
    runSeconds: number;
    earnedWei: string;
  }[];
  earnings: EarningsReport;
  counts: Record<string, number>;
}

/** `<stateDir>/admin.json`, written by the daemon on start and removed on a clean exit. */
export interface AdminFile {
  url: string;
  token: string;
  pid: number;
  provider: string;
}

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

const DECIMAL = /^\d+$/;

/** Checks the shape the view relies on, so a wrong answer is an error and not a broken view. */
export function parseStatus(body: unknown): DaemonStatus {
  const s = body as Partial<DaemonStatus> | null;
  const ok =
    typeof s === 'object' &&
    s !== null &&
    typeof s.online === 'boolean' &&
    typeof s.paused === 'boolean' &&
    typeof s.capacity?.cores === 'number' &&
    typeof s.capacity.coresInUse === 'number' &&
    Array.isArray(s.running) &&
    Array.isArray(s.served) &&
    DECIMAL.test(String(s.earnings?.settledWei)) &&
    DECIMAL.test(String(s.earnings?.incomingFlowRateWei)) &&
    typeof s.earnings?.at === 'number';
  if (!ok) {
    throw new OrangeError(
      'PROVIDER_FAILED',
      'The provider daemon answered /status in an unknown form.',
      {
        hint: 'The extension and the daemon it started should come from the same version.',
      },
    );
  }
  return s as DaemonStatus;
}

export function parseAdminFile(text: string): AdminFile {
  const a = JSON.parse(text) as Partial<AdminFile>;
  if (typeof a.url !== 'string' || typeof a.token !== 'string' || typeof a.pid !== 'number') {
    throw new OrangeError('PROVIDER_FAILED', "The provider daemon's admin.json is incomplete.");
  }
  return a as AdminFile;
}

/** The daemon's admin endpoint: status, pause, resume (Bearer token from admin.json). */
export class AdminClient {
  private readonly admin: AdminFile;
  private readonly fetch: Fetch;

  constructor(admin: AdminFile, fetch: Fetch) {
    this.admin = admin;
    this.fetch = fetch;
  }

  get pid(): number {
    return this.admin.pid;
  }

  status(): Promise<DaemonStatus> {
    return this.call('GET', '/status');
  }

  pause(): Promise<DaemonStatus> {
    return this.call('POST', '/pause');
  }

  resume(): Promise<DaemonStatus> {
    return this.call('POST', '/resume');
  }

  private async call(method: string, path: string): Promise<DaemonStatus> {
    const response = await this.fetch(`${this.admin.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.admin.token}` },
      // A poll every second: one that hangs must not pile up behind it.
      signal: AbortSignal.timeout(3_000),
    });
    if (!response.ok) {
      throw new OrangeError(
        'PROVIDER_FAILED',
        `The provider daemon answered ${method} ${path} with HTTP ${response.status}.`,
      );
    }
    return parseStatus(await response.json());
  }
}
