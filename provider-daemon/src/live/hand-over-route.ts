import type { IncomingMessage, ServerResponse } from 'node:http';
import { HAND_OVER_CONTENT_TYPE, parseHandOverPath } from '@orange-cloud/sdk';
import { ClientRateLimit, type RateLimitInit } from '../node/client-rate-limit.js';
import type { HandOverIntake } from '../node/hand-overs.js';
import { readBody } from './request-body.js';

/** Pushes one remote address may make: a job takes two (and a few retries while it is new). */
export const DEFAULT_HAND_OVER_RATE: RateLimitInit = { perSecond: 5, burst: 10 };
/** Bodies read at once, all clients together: what bounds the memory pushes can hold. */
export const DEFAULT_HAND_OVERS_IN_FLIGHT = 4;

function answer(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
}

/** A refusal sent before the body is read: the connection closes, the rest is not read. */
function refuseUnread(res: ServerResponse, status: number, message: string) {
  res.setHeader('connection', 'close');
  answer(res, status, message);
}

/**
 * `PUT /v2/jobs/<jobId>/content/<cid>` on the provider's endpoint: a hired job's manifest or
 * sealed payload, handed over by its requester (node/hand-overs.ts decides what is kept).
 * Answers 201 once stored, 200 when already held; 403 a job hired to another provider, 404 with
 * Retry-After a job unknown here (yet), 409 a job not waiting to start or a payload before its manifest, 413 a
 * body over its cap, 415 one not sent as application/octet-stream, 422 bytes that do not hash
 * to the CID (nothing stored) or a CID the job does not name, 429 a client over its rate, 503
 * when DEFAULT_HAND_OVERS_IN_FLIGHT bodies are already being read.
 */
export class HandOverRoute {
  private readonly rate: ClientRateLimit;
  private inFlight = 0;

  constructor(
    private readonly intake: Pick<HandOverIntake, 'admit' | 'accept'>,
    rate: RateLimitInit = DEFAULT_HAND_OVER_RATE,
    private readonly maxInFlight = DEFAULT_HAND_OVERS_IN_FLIGHT,
  ) {
    this.rate = new ClientRateLimit(rate);
  }

  matches(req: IncomingMessage): boolean {
    return parseHandOverPath(new URL(req.url ?? '/', 'http://x').pathname) !== undefined;
  }

  async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { jobId, cid } = parseHandOverPath(new URL(req.url ?? '/', 'http://x').pathname)!;
    if (req.method !== 'PUT') {
      res.setHeader('allow', 'PUT');
      return refuseUnread(res, 405, "Hand a job's content over with PUT.");
    }
    if (!this.rate.take(req.socket.remoteAddress ?? '')) {
      res.setHeader('retry-after', '1');
      return refuseUnread(res, 429, 'Too many hand-overs from this address; try again shortly.');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== HAND_OVER_CONTENT_TYPE)
      return refuseUnread(res, 415, `Send the content as ${HAND_OVER_CONTENT_TYPE}.`);
    const admission = this.intake.admit(jobId, cid);
    if (admission.kind === 'refused') {
      // An unknown job may be one hired a block ago: the client asks again (an endpoint without
      // this route answers a bare 404, and the client stops at once).
      if (admission.status === 404) res.setHeader('retry-after', '1');
      return refuseUnread(res, admission.status, admission.message);
    }
    if (admission.kind === 'held') return refuseUnread(res, 200, `${cid} is held here.`);
    if (this.inFlight >= this.maxInFlight) {
      res.setHeader('retry-after', '1');
      return refuseUnread(res, 503, 'Too many hand-overs under way; try again shortly.');
    }
    this.inFlight++;
    try {
      const body = await readBody(req, admission.maxBytes);
      if (!body)
        return refuseUnread(
          res,
          413,
          `${cid} is at most ${admission.maxBytes} bytes for job ${jobId}.`,
        );
      const outcome = await this.intake.accept(jobId, cid, body);
      if (outcome.kind === 'refused') return answer(res, outcome.status, outcome.message);
      return answer(res, outcome.kind === 'stored' ? 201 : 200, `${cid} is held here.`);
    } finally {
      this.inFlight--;
    }
  }
}
