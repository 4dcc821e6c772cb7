import assert from 'node:assert/strict';
import { MarkerScanner } from './marker-scanner.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const MARKER = '\x1eMARK 0123\n';

/** Feeds `chunks` and returns what came out before the marker and after it. */
function scan(chunks: string[], end = true): { before: string; after?: string } {
  const scanner = new MarkerScanner(bytes(MARKER));
  let before = '';
  let after: string | undefined;
  for (const chunk of chunks) {
    const out = scanner.push(bytes(chunk));
    before += decoder.decode(out.before);
    if (out.after) after = (after ?? '') + decoder.decode(out.after);
  }
  if (end) before += decoder.decode(scanner.flush());
  return after === undefined ? { before } : { before, after };
}

describe('MarkerScanner', () => {
  it('passes a stream without the marker through unchanged', () => {
    assert.deepEqual(scan(['hello ', 'world\n']), { before: 'hello world\n' });
  });

  it('splits at a marker inside one chunk', () => {
    assert.deepEqual(scan([`job output${MARKER}TAIL`]), { before: 'job output', after: 'TAIL' });
  });

  it('finds a marker split across chunks at every position', () => {
    const whole = `abc${MARKER}xyz`;
    for (let cut = 0; cut <= whole.length; cut++) {
      assert.deepEqual(scan([whole.slice(0, cut), whole.slice(cut)]), {
        before: 'abc',
        after: 'xyz',
      });
    }
  });

  it('finds a marker arriving one byte at a time', () => {
    assert.deepEqual(scan([...`out${MARKER}after`]), { before: 'out', after: 'after' });
  });

  it('holds back only a tail that could start the marker, and releases it when it does not', () => {
    const scanner = new MarkerScanner(bytes(MARKER));
    assert.equal(decoder.decode(scanner.push(bytes('line\n\x1eMA')).before), 'line\n');
    assert.equal(decoder.decode(scanner.push(bytes('Xmore')).before), '\x1eMAXmore');
    assert.equal(decoder.decode(scanner.push(bytes('plain')).before), 'plain');
  });

  it('releases a held tail at the end of the stream', () => {
    assert.deepEqual(scan(['last bytes \x1eMARK 01']), { before: 'last bytes \x1eMARK 01' });
  });

  it('does not take a marker with another nonce for the marker', () => {
    assert.deepEqual(scan(['\x1eMARK 9999\nforged']), { before: '\x1eMARK 9999\nforged' });
  });

  it('sends every byte after the first marker to after, a second marker included', () => {
    assert.deepEqual(scan([`a${MARKER}b`, `${MARKER}c`]), { before: 'a', after: `b${MARKER}c` });
  });

  it('keeps its held tail when the source buffer is reused', () => {
    const scanner = new MarkerScanner(bytes(MARKER));
    const buffer = bytes('x\x1eMARK');
    scanner.push(buffer);
    buffer.fill(0);
    const out = scanner.push(bytes(' 0123\nz'));
    assert.equal(decoder.decode(out.after), 'z');
  });
});
