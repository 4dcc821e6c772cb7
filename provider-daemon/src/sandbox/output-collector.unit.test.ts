import assert from 'node:assert/strict';
import { OutputCollector } from './output-collector.js';
import type { OutputChunk } from './types.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('OutputCollector', () => {
  it('keeps both streams apart and forwards chunks in arrival order', () => {
    const seen: OutputChunk[] = [];
    const collector = new OutputCollector(100, (chunk) => seen.push(chunk));
    collector.add('stdout', bytes('a'));
    collector.add('stderr', bytes('b'));
    collector.add('stdout', bytes('c'));
    assert.equal(text(collector.stdout), 'ac');
    assert.equal(text(collector.stderr), 'b');
    assert.deepEqual(
      seen.map((c) => `${c.stream}:${text(c.data)}`),
      ['stdout:a', 'stderr:b', 'stdout:c'],
    );
    // The order goes into the result: runs of bytes, stream by stream.
    assert.deepEqual(collector.interleaving, [
      { stream: 'stdout', length: 1 },
      { stream: 'stderr', length: 1 },
      { stream: 'stdout', length: 1 },
    ]);
    assert.equal(collector.truncated, false);
  });

  it('output of exactly the cap is not truncated', () => {
    const collector = new OutputCollector(4, undefined);
    assert.equal(collector.add('stdout', bytes('ab')), false);
    assert.equal(collector.add('stderr', bytes('cd')), false);
    assert.equal(collector.truncated, false);
  });

  it('counts both streams against one cap, keeps the first cap bytes and signals the overflow once', () => {
    const seen: string[] = [];
    const collector = new OutputCollector(5, (chunk) => seen.push(text(chunk.data)));
    assert.equal(collector.add('stdout', bytes('abc')), false);
    assert.equal(collector.add('stderr', bytes('defg')), true);
    assert.equal(
      collector.add('stdout', bytes('more')),
      false,
      'later chunks are dropped silently',
    );
    assert.equal(text(collector.stdout), 'abc');
    assert.equal(text(collector.stderr), 'de');
    assert.deepEqual(seen, ['abc', 'de']);
    assert.deepEqual(collector.interleaving, [
      { stream: 'stdout', length: 3 },
      { stream: 'stderr', length: 2 },
    ]);
    assert.equal(collector.truncated, true);
  });

  it('copies chunks so a reused socket buffer cannot change kept output', () => {
    const collector = new OutputCollector(10, undefined);
    const buffer = bytes('abc');
    collector.add('stdout', buffer);
    buffer.fill(0);
    assert.equal(text(collector.stdout), 'abc');
  });

  it('with a cap of 0 keeps nothing and reports truncation on the first byte', () => {
    const collector = new OutputCollector(0, () => assert.fail('nothing may be forwarded'));
    assert.equal(collector.add('stdout', bytes('x')), true);
    assert.equal(collector.stdout.length, 0);
  });
});
