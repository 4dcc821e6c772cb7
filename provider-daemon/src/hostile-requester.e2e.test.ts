import assert from 'node:assert/strict';
import { bytesToHex, type Hex } from 'viem';
import { grantKeyFrag, publicKeyFromHex, runJob } from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { sealTestJob } from './testing/sealed-job.js';

/**
 * A requester that does not follow the protocol: every bad job it posts
 * must end as failed with a reason, and the provider must keep serving.
 */
describe('hostile requesters: the daemon fails the bad job and carries on', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let other: TestProvider;
  let requester: TestRequester;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider({}, { fetchTimeoutMs: 2_000 });
    requester = await net.addRequester();
    // Serves nobody; only its key is used, as the wrong target of a grant.
    other = await net.addProvider({
      allowRequesters: ['0x000000000000000000000000000000000000dEaD'],
    });
    for (const addr of provider.store.addresses()) await requester.store.connect(addr);
  });
  after(() => net?.stop());

  const sealedJob = (spoil: { requester?: Hex } = {}) =>
    sealTestJob(requester, spoil.requester ? { claimedRequester: spoil.requester } : {});

  /** Posts, waits for the acceptance, grants `kfrag`, and returns how the job ended. */
  async function postAndGrant(manifestCid: string, kfrag: (providerKey: string) => Uint8Array) {
    const { jobId } = await requester.market.postJob({
      name: 'hostile.py',
      runtime: 'python3',
      cores: 1,
      memoryMb: 256,
      timeoutSec: 10,
      maxPricePerCoreSecond: 10n ** 12n,
      manifestCid,
    });
    const accepted = await requester.index.waitForJob(jobId, (j) => j.status !== 'posted');
    assert.equal(accepted.provider, provider.wallet.account.address);
    const key = requester.index.providers.get(accepted.provider!)!.umbralPublicKey;
    await requester.market.grantAccess(jobId, bytesToHex(kfrag(key)));
    return requester.index.waitForJob(jobId, (j) =>
      ['failed', 'completed', 'expired'].includes(j.status),
    );
  }

  const junk = () => new Uint8Array(64).fill(7);

  it('fails a job whose manifest nobody can serve', async () => {
    const ended = await postAndGrant(
      'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      junk,
    );
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /could not be found|not found/i);
  });

  it('fails a job whose manifest is not a manifest', async () => {
    const cid = await requester.store.put(new TextEncoder().encode('{"hello": "world"}'));
    const ended = await postAndGrant(cid, junk);
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /manifest/i);
  });

  it('fails a job whose manifest names another requester', async () => {
    const { manifestCid, keys } = await sealedJob({ requester: other.wallet.account.address });
    const ended = await postAndGrant(manifestCid, (key) =>
      grantKeyFrag(keys, publicKeyFromHex(key)),
    );
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /another requester/);
  });

  it('fails a job granted with a garbage kfrag', async () => {
    const { manifestCid } = await sealedJob();
    const ended = await postAndGrant(manifestCid, junk);
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /access grant for this job is not valid/);
  });

  it('fails a job granted to another provider’s key', async () => {
    const { manifestCid, keys } = await sealedJob();
    const ended = await postAndGrant(manifestCid, () => grantKeyFrag(keys, other.keys.publicKey));
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /access grant for this job is not valid/);
  });

  const file = (path: string, mode = 0o644) => ({
    path,
    mode: mode as 0o644,
    content: new TextEncoder().encode('print("escaped")\n'),
  });
  for (const [name, files, reason] of [
    [
      'a path escaping the job folder',
      [file('x.py'), file('../../escape.py')],
      /safe relative path/,
    ],
    ['an absolute path', [file('x.py'), file('/etc/cron.d/job')], /safe relative path/],
    ['a setuid file', [file('x.py'), file('tool', 0o4755)], /only 644 and 755/],
  ] as const) {
    it(`fails a v2 payload with ${name}, saying why`, async () => {
      const { manifestCid, keys } = await sealTestJob(requester, { files: [...files] });
      const ended = await postAndGrant(manifestCid, (key) =>
        grantKeyFrag(keys, publicKeyFromHex(key)),
      );
      assert.equal(ended.status, 'failed');
      assert.match(ended.failureReason ?? '', /payload/i);
      assert.match(ended.failureReason ?? '', reason);
    });
  }

  it('still runs an honest job afterwards', async () => {
    const outcome = await runJob(requester, {
      fileName: 'ok.py',
      source: new TextEncoder().encode('print("still serving")\n'),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 10,
      matchTimeoutMs: 30_000,
    });
    assert.equal(outcome.stdout, 'still serving\n');
    // Capacity frees once the daemon has seen its own completion mined, a moment after ours.
    for (let i = 0; i < 50 && provider.node.usage().cores > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(provider.node.usage(), { cores: 0, memoryMb: 0 });
  });
});
