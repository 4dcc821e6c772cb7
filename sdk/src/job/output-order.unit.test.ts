import assert from 'node:assert/strict';
import {
  MAX_OUTPUT_SEGMENTS,
  OutputOrder,
  decodeInterleaved,
  interleavedOutput,
} from './output-order.js';
import { encodeResult, parseResult, type JobResult } from './result.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('output order', () => {
  it('records runs of bytes, joining neighbours of one stream', () => {
    const order = new OutputOrder();
    order.add('stdout', 3);
    order.add('stdout', 2);
    order.add('stderr', 0);
    order.add('stderr', 4);
    order.add('stdout', 1);
    assert.deepEqual(order.segments(), [
      { stream: 'stdout', length: 5 },
      { stream: 'stderr', length: 4 },
      { stream: 'stdout', length: 1 },
    ]);
  });

  it('is bounded: past the cap, the rest of each stream follows as one run', () => {
    const order = new OutputOrder();
    for (let i = 0; i < MAX_OUTPUT_SEGMENTS + 10; i++) order.add(i % 2 ? 'stderr' : 'stdout', 1);
    const segments = order.segments();
    assert.equal(segments.length, MAX_OUTPUT_SEGMENTS + 2);
    assert.deepEqual(segments.slice(-2), [
      { stream: 'stdout', length: 5 },
      { stream: 'stderr', length: 5 },
    ]);
  });

  it('turns byte runs into character runs, a character split across chunks where it ends', () => {
    // "é" is two bytes: its first byte in the first stdout run, its second after the stderr run.
    const out = bytes('aé\n');
    const decoded = decodeInterleaved(out, bytes('E\n'), [
      { stream: 'stdout', length: 2 },
      { stream: 'stderr', length: 2 },
      { stream: 'stdout', length: 2 },
    ]);
    assert.equal(decoded.stdout, 'aé\n');
    assert.equal(decoded.stderr, 'E\n');
    assert.deepEqual(decoded.segments, [
      { stream: 'stdout', length: 1 },
      { stream: 'stderr', length: 2 },
      { stream: 'stdout', length: 2 },
    ]);
  });

  it('gives no runs when they do not add up to the streams', () => {
    const decoded = decodeInterleaved(bytes('ab'), bytes('c'), [{ stream: 'stdout', length: 2 }]);
    assert.deepEqual(decoded, { stdout: 'ab', stderr: 'c', segments: undefined });
  });

  it('gives the output in printed order, or stdout then stderr without runs', () => {
    const output = { stdout: 'o1\no2\n', stderr: 'e1\n' };
    assert.deepEqual(
      interleavedOutput({
        ...output,
        interleaving: [
          { stream: 'stdout', length: 3 },
          { stream: 'stderr', length: 3 },
          { stream: 'stdout', length: 3 },
        ],
      }).map((piece) => piece.text),
      ['o1\n', 'e1\n', 'o2\n'],
    );
    assert.deepEqual(
      interleavedOutput(output).map((piece) => piece.stream),
      ['stdout', 'stderr'],
    );
    // Runs that do not match the strings are ignored rather than trusted.
    assert.deepEqual(
      interleavedOutput({ ...output, interleaving: [{ stream: 'stdout', length: 1 }] }).map(
        (piece) => piece.text,
      ),
      ['o1\no2\n', 'e1\n'],
    );
  });
});

describe('a result with its interleaving', () => {
  const result: JobResult = {
    version: 2,
    kind: 'orange-cloud/result',
    binding: { chainId: 31337, market: `0x${'ab'.repeat(20)}`, jobId: '1' },
    exitCode: 1,
    stdout: 'out\n',
    stderr: 'err\n',
    interleaving: [
      { stream: 'stderr', length: 4 },
      { stream: 'stdout', length: 4 },
    ],
    outputTruncated: false,
    timedOut: false,
    outOfMemory: false,
    timings: {
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: '2025-01-01T00:00:01.000Z',
      durationMs: 1000,
    },
  };

  it('round-trips', () => {
    assert.deepEqual(parseResult(encodeResult(result)), result);
  });

  it('is refused when its runs do not add up or are malformed', () => {
    const bad = (interleaving: unknown) =>
      new TextEncoder().encode(JSON.stringify({ ...result, interleaving }));
    assert.throws(
      () => parseResult(bad([{ stream: 'stdout', length: 4 }])),
      /interleaving.*must add up to the lengths of stdout and stderr/,
    );
    assert.throws(() => parseResult(bad('stdout')), /interleaving.*must be a list/);
    assert.throws(
      () => parseResult(bad([{ stream: 'stdin', length: 4 }])),
      /interleaving\.0\.stream.*must be stdout or stderr/,
    );
    assert.throws(
      () => parseResult(bad([{ stream: 'stdout', length: 0 }])),
      /interleaving\.0\.length/,
    );
  });
});
