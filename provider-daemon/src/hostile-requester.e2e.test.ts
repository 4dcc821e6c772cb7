import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { hexToBytes } from 'viem';
import {
  WHEELS_DIR,
  grantKeyFrag,
  packPayload,
  providerKeys,
  publicKeyFromHex,
  runJob,
  summarizeProject,
  type JobKeys,
  type PackedPayload,
  type SignedOffer,
} from '@orange-cloud/sdk';
import { writeTestWheel, type TestWheel } from '@orange-cloud/sdk/testing';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { hireTestJob, sealTestJob, testOffer } from './testing/sealed-job.js';
import { capacityFreed } from './testing/capacity.js';

/**
 * A requester that does not follow the protocol: every bad job it hires the provider for
 * must end as failed with a reason, and the provider must keep serving.
 */
describe('hostile requesters: the daemon fails the bad job and carries on', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let requester: TestRequester;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider({}, { fetchTimeoutMs: 2_000 });
    requester = await net.addRequester();
    for (const addr of provider.store.addresses()) await requester.store.connect(addr);
  });
  after(() => net?.stop());

  const offer = () => testOffer(requester, provider);
  /** The honest grant: a kfrag for the offer's per-job key. */
  const grantFor = (keys: JobKeys, signed: SignedOffer) =>
    grantKeyFrag(keys, publicKeyFromHex(signed.offer.jobPublicKey));
  const junk = () => new Uint8Array(64).fill(7);
  const someone = () => providerKeys(randomBytes(32));
  const keyFiles = () => readdir(join(provider.stateDir, 'job-keys'));

  it('fails a job whose manifest nobody can serve', async () => {
    const ended = await hireTestJob(
      requester,
      await offer(),
      'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      junk(),
    );
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /could not be found|not found/i);
  });

  it('fails a job whose manifest is not a manifest', async () => {
    const cid = await requester.store.put(new TextEncoder().encode('{"hello": "world"}'));
    const ended = await hireTestJob(requester, await offer(), cid, junk());
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /manifest/i);
  });

  it('fails a job whose manifest names another requester', async () => {
    const signed = await offer();
    const { manifestCid, keys } = await sealTestJob(requester, signed, {
      claimedRequester: (await net.fundedWallet()).account.address,
    });
    const ended = await hireTestJob(requester, signed, manifestCid, grantFor(keys, signed));
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /as requester, not the job's/);
  });

  it('fails a job whose manifest was signed for another offer', async () => {
    const first = await offer();
    const second = await offer();
    // Sealed and signed for the first offer, hired with the second.
    const { manifestCid, keys } = await sealTestJob(requester, first);
    const ended = await hireTestJob(requester, second, manifestCid, grantFor(keys, second));
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /is bound to offer .*, not the job's offer/);
    // With the offer it was signed for, the same manifest runs.
    const honest = await hireTestJob(requester, first, manifestCid, grantFor(keys, first));
    assert.equal(honest.status, 'completed');
  });

  it("does not run a victim's manifest replayed by a third party with the victim's public kfrag", async () => {
    const victim = await net.addRequester();
    for (const addr of provider.store.addresses()) await victim.store.connect(addr);
    const ran = await runJob(victim, {
      fileName: 'victim.py',
      source: new TextEncoder().encode('print("the victim ran")\n'),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 10,
    });
    assert.equal(ran.stdout, 'the victim ran\n');
    // Everything the attack needs is public: the manifest's CID and the kfrag, both on chain.
    await requester.index.sync();
    const public_ = requester.index.jobs.get(ran.jobId)!;
    const ended = await hireTestJob(
      requester,
      await offer(),
      public_.manifestCid,
      hexToBytes(public_.kfrag!),
    );
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /manifest .* not the job's/);
    assert.equal(ended.startedAt, undefined, 'never started');
  });

  it('fails a job granted with a garbage kfrag', async () => {
    const signed = await offer();
    const { manifestCid } = await sealTestJob(requester, signed);
    const ended = await hireTestJob(requester, signed, manifestCid, junk());
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /access grant for this job is not valid/);
  });

  it('fails a job granted to another key than the offer’s', async () => {
    const signed = await offer();
    const { manifestCid, keys } = await sealTestJob(requester, signed);
    const ended = await hireTestJob(
      requester,
      signed,
      manifestCid,
      grantKeyFrag(keys, someone().publicKey),
    );
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
      const signed = await offer();
      const { manifestCid, keys } = await sealTestJob(requester, signed, { files: [...files] });
      const ended = await hireTestJob(requester, signed, manifestCid, grantFor(keys, signed));
      assert.equal(ended.status, 'failed');
      assert.match(ended.failureReason ?? '', /payload/i);
      assert.match(ended.failureReason ?? '', reason);
    });
  }

  it('fails a payload with a .orange/ member its header does not list', async () => {
    const signed = await offer();
    const { manifestCid, keys } = await sealTestJob(requester, signed, {
      files: [file('x.py'), file('.orange/wheels/evil-1.0-py3-none-any.whl')],
    });
    const ended = await hireTestJob(requester, signed, manifestCid, grantFor(keys, signed));
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /which the header does not announce as a dependency/);
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
    });
    assert.equal(outcome.stdout, 'still serving\n');
    // The job's key is erased with its end (forward secrecy): a key leaked now opens nothing.
    const nonce = requester.index.jobs.get(outcome.jobId)!.offerNonce;
    for (let i = 0; i < 50 && (await keyFiles()).includes(`${nonce}.key`); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(!(await keyFiles()).includes(`${nonce}.key`), 'the job key is erased');
    // Capacity frees once the daemon has seen its own completion mined, a moment after ours.
    await capacityFreed(provider.node);
  });
});
