import assert from 'node:assert/strict';
import { MultiplexedStreamParser } from './multiplexed-stream.js';

function frame(type: number, payload: string): Uint8Array {
  const body = new TextEncoder().encode(payload);
  const out = new Uint8Array(8 + body.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, body.length);
  out.set(body, 8);
  return out;
}

const describeFrames = (frames: { stream: string; data: Uint8Array }[]): string[] =>
  frames.map((f) => `${f.stream}:${new TextDecoder().decode(f.data)}`);

describe('MultiplexedStreamParser', () => {
  it('splits several frames in one chunk, keeping their order', () => {
    const parser = new MultiplexedStreamParser();
    const chunk = Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c')]);
    assert.deepEqual(describeFrames(parser.push(chunk)), ['stdout:a', 'stderr:b', 'stdout:c']);
    assert.equal(parser.bufferedBytes, 0);
  });

  it('reassembles a frame cut anywhere, header included, one byte at a time', () => {
    const parser = new MultiplexedStreamParser();
    const bytes = Buffer.concat([frame(2, 'hello'), frame(1, 'world')]);
    const frames = [];
    for (let i = 0; i < bytes.length; i++) frames.push(...parser.push(bytes.subarray(i, i + 1)));
    assert.deepEqual(describeFrames(frames), ['stderr:hello', 'stdout:world']);
  });

  it('holds an incomplete frame until the rest arrives', () => {
    const parser = new MultiplexedStreamParser();
    const bytes = frame(1, 'partial');
    assert.deepEqual(parser.push(bytes.subarray(0, 10)), []);
    assert.equal(parser.bufferedBytes, 10);
    assert.deepEqual(describeFrames(parser.push(bytes.subarray(10))), ['stdout:partial']);
  });

  it('drops stdin and engine system-error frames, which carry no job output', () => {
    const parser = new MultiplexedStreamParser();
    const chunk = Buffer.concat([frame(0, 'in'), frame(3, 'sys'), frame(1, 'out')]);
    assert.deepEqual(describeFrames(parser.push(chunk)), ['stdout:out']);
  });
});
