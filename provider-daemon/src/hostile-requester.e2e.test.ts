import assert from 'node:assert/strict';
import { bytesToHex, type Hex } from 'viem';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  WHEELS_DIR,
  grantKeyFrag,
  packPayload,
  publicKeyFromHex,
  runJob,
  summarizeProject,
  type PackedPayload,
} from '@orange-cloud/sdk';
import { writeTestWheel, type TestWheel } from '@orange-cloud/sdk/testing';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { sealTestJob } from './testing/sealed-job.js';
import { capacityFreed } from './testing/capacity.js';

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

  it('fails a payload with a .orange/ member its header does not list', async () => {
    const { manifestCid, keys } = await sealTestJob(requester, {
      files: [file('x.py'), file('.orange/wheels/evil-1.0-py3-none-any.whl')],
    });
    const ended = await postAndGrant(manifestCid, (key) =>
      grantKeyFrag(keys, publicKeyFromHex(key)),
    );
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /which the header does not list as a wheel/);
  });

  /** Runs x.py with one wheel, packed as a hostile client would (no client-side checks). */
  async function runWithWheel(source: string, spec: TestWheel) {
    const dir = await mkdtemp(join(tmpdir(), 'orange-hostile-wheel-'));
    try {
      const path = await writeTestWheel(dir, spec);
      const wheel = basename(path);
      const content = await readFile(path);
      const files = [
        { path: 'x.py', mode: 0o644 as const, content: new TextEncoder().encode(source) },
        { path: `${WHEELS_DIR}/${wheel}`, mode: 0o644 as const, content },
      ];
      const bytes = await packPayload({ version: 2, entrypoint: 'x.py', files, wheels: [wheel] });
      const payload: PackedPayload = {
        root: dir,
        entrypoint: 'x.py',
        bytes,
        summary: summarizeProject(
          files.map((f) => ({ path: f.path, bytes: f.content.length })),
          bytes.length,
        ),
      };
      return await runJob(requester, {
        fileName: 'x.py',
        source: files[0]!.content,
        payload,
        cores: 1,
        memoryMb: 256,
        timeoutSec: 20,
        matchTimeoutMs: 30_000,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('contains a dependency wheel whose member escapes the install folder, and names it', async () => {
    const outcome = await runWithWheel('print("the entry ran")\n', {
      name: 'orange_escape',
      version: '1.0',
      files: { 'orange_escape.py': 'X = 1\n' },
      rawMembers: { '../../../../tmp/job/x.py': 'print("replaced the entry")\n' },
    });
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.stdout, '');
    assert.match(
      outcome.stderr,
      /orange-cloud: installing the dependency orange_escape-1\.0-py3-none-any\.whl failed: member .* would be installed outside the site folder/,
    );
  });

  it('contains a dependency whose .pth reaches for the network and writes outside scratch', async () => {
    const probe = [
      'import socket',
      'try:',
      '    socket.create_connection(("10.0.0.1", 80), timeout=3)',
      '    print("network reached")',
      'except OSError:',
      '    print("network blocked")',
      'try:',
      '    open("/etc/orange-owned", "w")',
      '    print("wrote /etc")',
      'except OSError:',
      '    print("write blocked")',
      '',
    ].join('\n');
    const outcome = await runWithWheel('print("the entry ran")\n', {
      name: 'orange_pth',
      version: '1.0',
      files: { 'orange_pth_probe.py': probe, 'orange_pth.pth': 'import orange_pth_probe\n' },
    });
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.stdout, 'network blocked\nwrite blocked\nthe entry ran\n');
    assert.equal(typeof outcome.result?.timings.installMs, 'number');
  });

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
    await capacityFreed(provider.node);
  });
});
