import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { createContentStore, runJob, type RunRequest } from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { hiredJobCount } from './testing/hired-jobs.js';

const encoder = new TextEncoder();
/** Prints a line and returns a file, so a refused result must also leave no file behind. */
const source = `import os
os.makedirs("out", exist_ok=True)
open("out/report.txt", "w").write("42\\n")
print("done")
`;

/**
 * A STAND-IN for a hostile Kubo RPC endpoint (no Kubo binary can be had on the build machine):
 * every `add` is answered with the CID of content the node chose, here a script of its own.
 */
async function hostileKubo(answer: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    res
      .writeHead(200, { 'content-type': 'application/x-ndjson' })
      .end(`${JSON.stringify({ Name: answer, Hash: answer, Size: '1' })}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('hostile providers and IPFS nodes: the requester refuses their results and CIDs', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let requester: TestRequester;
  let outDir: string;
  let forger: TestProvider;
  let otherChain: TestProvider;
  let replayer: TestProvider;
  let firstResult: string | undefined;

  before(async () => {
    net = await LocalNetwork.start();
    requester = await net.addRequester();
    // Signs its results with a key that is not its registered one.
    forger = await net.addProvider(
      {},
      { resultSigner: { account: privateKeyToAccount(`0x${'5e'.repeat(32)}`) } },
    );
    // Signs with its own key, but binds its results to another chain.
    otherChain = await net.addProvider({}, { resultSigner: { chainId: 1 } });
    // Records its first job's result again for every later job.
    replayer = await net.addProvider({}, { recordResult: (_jobId, cid) => (firstResult ??= cid) });
  });
  beforeEach(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'orange-hostile-out-'));
  });
  afterEach(() => rm(outDir, { recursive: true, force: true }));
  after(() => net?.stop());

  const request = (provider: TestProvider): RunRequest => ({
    fileName: 'report.py',
    source: encoder.encode(source),
    cores: 1,
    memoryMb: 256,
    timeoutSec: 20,
    provider: provider.wallet.account.address,
    outputsDir: outDir,
  });
  const jobCount = () => hiredJobCount(requester.market);

  it('refuses a result not signed by the job provider (RESULT_NOT_SIGNED) and saves nothing', async () => {
    await assert.rejects(runJob(requester, request(forger)), { code: 'RESULT_NOT_SIGNED' });
    assert.deepEqual(await readdir(outDir), []);
  });

  it('refuses a result bound to another chain (RESULT_WRONG_JOB) and saves nothing', async () => {
    await assert.rejects(runJob(requester, request(otherChain)), { code: 'RESULT_WRONG_JOB' });
    assert.deepEqual(await readdir(outDir), []);
  });

  it("refuses another job's result recorded for this job and saves nothing", async () => {
    const first = await runJob(requester, request(replayer));
    assert.equal(first.stdout, 'done\n');
    assert.deepEqual(await readdir(outDir), [String(first.jobId)], 'the honest first run saved');
    await rm(join(outDir, String(first.jobId)), { recursive: true });
    // Sealed to the first job's key, it does not even open with this job's (per-job keys); a
    // result sealed to the right key but bound to another job is RESULT_WRONG_JOB
    // (finish-run.unit.test.ts).
    await assert.rejects(runJob(requester, request(replayer)), { code: 'DECRYPT_FAILED' });
    assert.deepEqual(await readdir(outDir), []);
  });

  it('refuses a Kubo node that answers a CID of its own (STORE_CID_MISMATCH), posting nothing', async () => {
    const theirs = await requester.store.put(encoder.encode('print("their script")\n'));
    const kubo = await hostileKubo(theirs);
    const store = await createContentStore({ mode: 'kubo', url: kubo.url });
    try {
      const before = await jobCount();
      await assert.rejects(runJob({ ...requester, store }, request(replayer)), {
        code: 'STORE_CID_MISMATCH',
      });
      assert.equal(await jobCount(), before);
      assert.deepEqual(await readdir(outDir), []);
    } finally {
      kubo.server.closeAllConnections();
      await new Promise((resolve) => kubo.server.close(resolve));
    }
  });
});
