import assert from 'node:assert/strict';
import { localCid } from '../store/local-cid.js';
import { bytesHaveCid, handOverPath, parseHandOverPath } from './content-hand-over.js';

describe('the content hand-over wire', () => {
  it('names a job and a CID in its path, and reads them back in one spelling', async () => {
    const cid = await localCid(new TextEncoder().encode('manifest'));
    assert.equal(handOverPath(7n, cid), `/v2/jobs/7/content/${cid}`);
    assert.deepEqual(parseHandOverPath(handOverPath(7n, cid)), { jobId: 7n, cid });
    // The same CID as CIDv0 (base58btc) reads as its CIDv1 spelling.
    const v0 = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';
    assert.equal(parseHandOverPath(`/v2/jobs/1/content/${v0}`)?.cid.startsWith('bafy'), true);
  });

  it('reads nothing else as a hand-over path', () => {
    for (const path of [
      '/v2/jobs/x/content/bafkqaaa',
      '/v2/jobs/7/content/not-a-cid',
      '/v2/jobs/7/content/',
      '/v2/jobs/7/content/bafkqaaa/more',
      '/v1/jobs/7/live',
    ])
      assert.equal(parseHandOverPath(path), undefined, path);
  });

  it('says whether bytes import to a CID, as every store imports them', async () => {
    const bytes = new Uint8Array(600_000).fill(7); // several chunks: a DAG, not one block
    const cid = await localCid(bytes);
    assert.equal(await bytesHaveCid(bytes, cid), true);
    const other = bytes.slice();
    other[599_999] = 8;
    assert.equal(await bytesHaveCid(other, cid), false);
    assert.equal(await bytesHaveCid(bytes, 'not-a-cid'), false);
  });
});
