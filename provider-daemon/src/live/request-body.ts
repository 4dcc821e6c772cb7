import type { IncomingMessage } from 'node:http';

/**
 * The request body, or undefined past `max` bytes (declared or sent): the rest is then read and
 * dropped (so the refusal reaches the client) until the connection closes after the answer.
 */
export function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let length = 0;
    let chunks: Buffer[] | undefined = [];
    const tooLarge = () => {
      chunks = undefined;
      resolve(undefined);
    };
    if (Number.isFinite(declared) && declared > max) tooLarge();
    req.on('data', (chunk: Buffer) => {
      if (!chunks) return;
      length += chunk.length;
      if (length > max) tooLarge();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks && Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
