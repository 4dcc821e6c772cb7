import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes } from 'viem';
import {
  OrangeError,
  openAsProvider,
  parseManifest,
  providerKeys,
  publicKeyFromHex,
  runJob,
  type RunRequest,
} from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { chainBytes } from './testing/plaintext-scan.js';
import { capacityFreed } from './testing/capacity.js';
import { hiredJobCount } from './testing/hired-jobs.js';

const encoder = new TextEncoder();
const SCRIPT_SECRET = 'kiwi-banana-4242-script-only';
const OUTPUT_SECRET = 'mango-7171-output-only';

// The script's source holds one marker, its output another (built at run time,
// so the output marker is not in the source either).
const helloSource = `secret = "${SCRIPT_SECRET}"
print("hello from the container")
print("-".join(["mango", "7171", "output", "only"]))
`;

function request(source: string, extra: Partial<RunRequest> = {}): RunRequest {
  return {
    fileName: 'hello.py',
    source: encoder.encode(source),
    cores: 1,
    memoryMb: 256,
    timeoutSec: 20,
    ...extra,
  };
}

describe('end to end: a Python file runs privately on a provider', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let bystander: TestProvider;
  let requester: TestRequester;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider();
    requester = await net.addRequester();
    // A second registered provider that will not take this requester's jobs.
    bystander = await net.addProvider({ denyRequesters: [requester.wallet.account.address] });
  });

  after(async () => {
    await net?.stop();
  });

  it('round-trips the output exactly, and no outsider can read script or output', async () => {
    const outcome = await runJob(requester, request(helloSource));
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.stdout, `hello from the container\n${OUTPUT_SECRET}\n`);
    assert.equal(outcome.stderr, '');
    assert.equal(outcome.provider, provider.wallet.account.address);
    assert.ok(outcome.resultCid);
    assert.ok(outcome.timings.postedMs! <= outcome.timings.acceptedMs!);
    assert.ok(outcome.timings.acceptedMs! <= outcome.timings.startedMs!);
    assert.ok(outcome.timings.startedMs! <= outcome.timings.completedMs!);
    assert.equal(outcome.status, 'completed');

    // Anyone sees the public kfrag and can fetch the ciphertext, yet no key but the offer's
    // per-job one (erased now) opens it: not the bystander's, not a fresh one.
    const job = requester.index.jobs.get(outcome.jobId)!;
    assert.ok(job.kfrag, 'the grant is on chain, in the hire');
    const anyOtherKey = providerKeys(randomBytes(32));
    const manifest = parseManifest(
      await requester.store.get(outcome.manifestCid, { maxBytes: 1 << 20, timeoutMs: 5_000 }),
    );
    const ciphertext = await requester.store.get(manifest.payload.cid, {
      maxBytes: 1 << 20,
      timeoutMs: 5_000,
    });
    assert.throws(
      () =>
        openAsProvider({
          capsule: manifest.payload.capsule,
          ciphertext,
          kfrag: hexToBytes(job.kfrag!),
          providerSecretKey: anyOtherKey.secretKey,
          delegatingPublicKey: publicKeyFromHex(manifest.keys.delegatingPublicKey),
          verifyingPublicKey: publicKeyFromHex(manifest.keys.verifyingPublicKey),
        }),
      (error: unknown) => error instanceof OrangeError,
    );

    // Neither marker appears in any IPFS block of any node, nor anywhere on chain.
    const markers = [SCRIPT_SECRET, OUTPUT_SECRET, 'hello from the container'];
    const stores = [requester.store, provider.store, bystander.store];
    let blocks = 0;
    for (const store of stores) {
      for await (const block of store.blocks()) {
        blocks++;
        const text = Buffer.from(block).toString('latin1');
        for (const marker of markers)
          assert.ok(!text.includes(marker), `plaintext "${marker}" found in an IPFS block`);
      }
    }
    assert.ok(blocks >= 3, 'the stores hold the manifest, payload and result blocks');
    const hexMarkers = markers.map((m) => bytesToHex(encoder.encode(m)).slice(2));
    let chainItems = 0;
    for await (const data of chainBytes(net, requester)) {
      chainItems++;
      for (const hex of hexMarkers) assert.ok(!data.includes(hex), 'plaintext found in chain data');
    }
    assert.ok(chainItems > 5);
  });

  it('reports the script exit code and stderr', async () => {
    const outcome = await runJob(
      requester,
      request('import sys\nprint("bad", file=sys.stderr)\nsys.exit(3)\n'),
    );
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.exitCode, 3);
    assert.equal(outcome.stderr, 'bad\n');
  });

  it('kills an endless loop at the timeout, reports it, and takes the next job', async () => {
    const looped = await runJob(requester, request('while True:\n    pass\n', { timeoutSec: 2 }));
    assert.equal(looped.status, 'completed');
    assert.equal(looped.result?.timedOut, true);
    const next = await runJob(requester, request('print(6 * 7)\n'));
    assert.equal(next.stdout, '42\n');
  });

  it('reports a memory hog as out of memory, and takes the next job', async () => {
    const hog = await runJob(
      requester,
      request('x = bytearray(1024 * 1024 * 1024)\nprint(len(x))\n', { memoryMb: 64 }),
    );
    assert.equal(hog.status, 'completed');
    assert.equal(hog.result?.outOfMemory, true);
    const next = await runJob(requester, request('print("alive")\n'));
    assert.equal(next.stdout, 'alive\n');
  });

  it('cancels a running job on chain when the requester gives up; the provider kills it', async () => {
    const giveUp = new AbortController();
    const outcome = await runJob(
      requester,
      request('import time\nprint("started", flush=True)\ntime.sleep(60)\n', {
        timeoutSec: 120,
        signal: giveUp.signal,
      }),
      (stage) => {
        if (stage.stage === 'running') giveUp.abort();
      },
    );
    assert.equal(outcome.status, 'cancelled');
    assert.ok(outcome.gasUsed.cancel! > 0n);
    const next = await runJob(requester, request('print("after cancel")\n'));
    assert.equal(next.stdout, 'after cancel\n');
    // Both jobs are over for the requester; the provider frees each once it has seen it through.
    await capacityFreed(provider.node);
  });

  it('refuses a job no provider can take, posting nothing', async () => {
    const before = await hiredJobCount(requester.market);
    await assert.rejects(
      runJob(requester, request('print(1)\n', { cores: 64 })),
      (error: unknown) => {
        assert.ok(error instanceof OrangeError);
        assert.equal(error.code, 'NO_PROVIDER');
        assert.match(error.message, /64 cores; the largest offers 2/);
        return true;
      },
    );
    const after = await hiredJobCount(requester.market);
    assert.equal(after, before);
  });

  it('waits for a busy provider to free up, posting nothing meanwhile; or fails at once if told', async () => {
    await capacityFreed(provider.node);
    // A 2-core job takes every core the only provider that serves this requester has.
    let busy!: () => void;
    const taken = new Promise<void>((resolve) => (busy = resolve));
    const first = runJob(
      requester,
      request('import time\ntime.sleep(8)\nprint("first")\n', { cores: 2 }),
      (stage) => stage.stage === 'running' && busy(),
    );
    await taken;
    const before = await hiredJobCount(requester.market);
    await assert.rejects(
      runJob(requester, request('print("impatient")\n', { waitForProviderSec: 0 })),
      (error: unknown) =>
        error instanceof OrangeError &&
        error.code === 'NO_OFFER' &&
        /declined: This provider is busy.*\(CAPACITY\)/.test(error.message),
    );
    assert.equal(await hiredJobCount(requester.market), before, 'nothing was hired');
    const stages: string[] = [];
    const second = await runJob(requester, request('print("second")\n'), (stage) => {
      stages.push(stage.stage);
      if (stage.stage === 'waiting') assert.equal(stage.busyProviders, 1);
    });
    assert.equal(second.stdout, 'second\n');
    assert.deepEqual(stages.slice(0, 3), ['quoted', 'waiting', 'sealed'], 'it waited once');
    assert.equal((await first).stdout, 'first\n');
  });

  it('posts nothing when the only provider named declines, and says why', async () => {
    const before = await hiredJobCount(requester.market);
    await assert.rejects(
      runJob(requester, request('print(1)\n', { provider: bystander.wallet.account.address })),
      (error: unknown) =>
        error instanceof OrangeError &&
        error.code === 'NO_OFFER' &&
        /declined: .*\(REQUESTER\)/.test(error.message),
    );
    const after = await hiredJobCount(requester.market);
    assert.equal(after, before, 'nothing was hired');
  });

  it('rejects empty and binary scripts before anything is posted', async () => {
    for (const [bytes, code] of [
      [encoder.encode('  \n'), 'EMPTY_SCRIPT'],
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'BINARY_SCRIPT'],
    ] as const) {
      await assert.rejects(
        runJob(requester, { ...request(''), source: bytes }),
        (error: unknown) => error instanceof OrangeError && error.code === code,
      );
    }
  });

  it('keeps serving after a hostile job: output flood is truncated and reported', async () => {
    const flood = await runJob(
      requester,
      request('while True:\n    print("x" * 1000)\n', { timeoutSec: 10 }),
    );
    assert.equal(flood.result?.outputTruncated, true);
    assert.ok(flood.stdout.length <= 64 * 1024);
    const next = await runJob(requester, request('print("still here")\n'));
    assert.equal(next.stdout, 'still here\n');
  });
});
