import assert from 'node:assert/strict';
import { FRAME_REPORT, FRAME_TAR, MAX_TAR_FRAME_BYTES } from './bootstrap.js';
import { OutputsSectionReader } from './outputs-section.js';

const encoder = new TextEncoder();

function frame(kind: number, payload: Uint8Array, declared = payload.length): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, declared);
  out.set(payload, 5);
  return out;
}

function join(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

describe('OutputsSectionReader', () => {
  const tarA = Uint8Array.from({ length: 3000 }, (_, i) => i % 256);
  const tarB = encoder.encode('second piece');
  const report = encoder.encode('{"files":[]}');
  const section = join(frame(FRAME_TAR, tarA), frame(FRAME_TAR, tarB), frame(FRAME_REPORT, report));

  it('joins the tar frames and keeps the report, however the bytes are split', () => {
    for (const size of [1, 2, 5, 7, 1000, section.length]) {
      const reader = new OutputsSectionReader(1 << 20, 1 << 20);
      for (let at = 0; at < section.length; at += size) {
        assert.equal(reader.push(section.subarray(at, at + size)), true);
      }
      assert.deepEqual(reader.finish(), {
        complete: true,
        archive: join(tarA, tarB),
        report,
      });
    }
  });

  it('says the section is incomplete when the stream ends before the report', () => {
    const reader = new OutputsSectionReader(1 << 20, 1 << 20);
    reader.push(section.subarray(0, section.length - 3));
    assert.deepEqual(reader.finish(), {
      complete: false,
      reason: 'the sandbox ended before it finished sending out/',
      truncated: false,
    });
  });

  const refusals: [string, Uint8Array, RegExp][] = [
    ['an unknown frame type', frame(0x58, report), /unknown frame type/],
    [
      'an archive over the cap',
      join(frame(FRAME_TAR, tarA), frame(FRAME_TAR, tarA)),
      /larger than the daemon's outputs cap/,
    ],
    [
      'an oversized tar frame',
      frame(FRAME_TAR, new Uint8Array(0), MAX_TAR_FRAME_BYTES + 1),
      /oversized archive frame/,
    ],
    [
      'a report over its cap',
      frame(FRAME_REPORT, new Uint8Array(0), 4097),
      /larger than the daemon's outputs cap/,
    ],
    [
      'bytes after the report',
      join(frame(FRAME_REPORT, report), encoder.encode('x')),
      /after its report/,
    ],
  ];
  for (const [what, bytes, reason] of refusals) {
    it(`refuses ${what}, keeping nothing`, () => {
      const reader = new OutputsSectionReader(5000, 4096);
      assert.equal(reader.push(bytes), false);
      assert.equal(reader.push(frame(FRAME_REPORT, report)), false);
      const result = reader.finish();
      assert.ok(!result.complete);
      assert.match(result.reason, reason);
      assert.equal(
        result.truncated,
        /outputs cap/.test(result.reason),
        'over the cap is truncated',
      );
    });
  }

  it('refuses bytes pushed after a complete report in a later chunk', () => {
    const reader = new OutputsSectionReader(5000, 4096);
    assert.equal(reader.push(frame(FRAME_REPORT, report)), true);
    assert.equal(reader.push(encoder.encode('late')), false);
    assert.equal(reader.finish().complete, false);
  });
});
