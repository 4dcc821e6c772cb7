import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { dockerSocket } from '../share/docker-probe.js';
import type { ReadinessHost } from './devnet-readiness.js';

/** Undefined when Docker's engine answers its ping on `socketPath`; else why not. */
export function dockerPingProblem(socketPath: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 5_000 }, (res) => {
      res.resume();
      resolve(
        (res.statusCode ?? 500) < 400
          ? undefined
          : `the engine at ${socketPath} answers HTTP ${res.statusCode}`,
      );
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) => resolve(`none answers at ${socketPath}: ${error.message}`));
    req.end();
  });
}

/** This machine, for checkDevnetReadiness. */
export function machineReadinessHost(): ReadinessHost {
  return {
    resolve: (what, paths) => createRequire(__filename).resolve(what, { paths }),
    readJson: (file) => JSON.parse(readFileSync(file, 'utf8')) as { bin?: string },
    exists: existsSync,
    platform: process.platform,
    arch: process.arch,
    dockerProblem: () => dockerPingProblem(dockerSocket(process.env)),
  };
}
