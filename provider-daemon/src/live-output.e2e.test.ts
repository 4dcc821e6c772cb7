import assert from 'node:assert/strict';
import {
  followLiveOutput,
  jobKeys,
  liveAuthHeader,
  parseManifest,
  runJob,
  type OutputStream,
  type RunRequest,
  type RunStage,
} from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';

const ticker = (lines: number, pause = 0.2) => `import time
for i in range(${lines}):
    print(f"tick {i} {time.time():.6f}")
    time.sleep(${pause})
`;

const request = (source: string, extra: Partial<RunRequest> = {}): RunRequest => ({
  fileName: 'ticker.py',
  source: new TextEncoder().encode(source),
  cores: 1,
  memoryMb: 256,
  timeoutSec: 30,
  ...extra,
});

/** Splits streamed stdout into lines and notes when each complete line arrived. */
function lineClock() {
  let buffer = '';
  const lines: { text: string; at: number }[] = [];
  return {
    lines,
    add(data: Uint8Array) {
      buffer += new TextDecoder().decode(data);
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        lines.push({ text: buffer.slice(0, newline), at: Date.now() / 1000 });
        buffer = buffer.slice(newline + 1);
      }
    },
  };
}

describe('live output: end-to-end encrypted streaming', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let requester: TestRequester;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider();
    requester = await net.addRequester();
  });
  after(() => net?.stop());

  it('delivers each line before the next one is printed, equal to the stored result', async () => {
    const clock = lineClock();
    const outcome = await runJob(requester, request(ticker(15)), (stage) => {
      if (stage.stage === 'output' && stage.stream === 'stdout') clock.add(stage.data);
    });
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.live?.complete, true);
    assert.equal(outcome.live?.matchesResult, true);
    assert.equal(clock.lines.length, 15);
    clock.lines.forEach((line, i) => assert.match(line.text, new RegExp(`^tick ${i} `)));
    // Line i arrived before the script printed line i+1 (both clocks are this machine's).
    for (let i = 0; i + 1 < clock.lines.length; i++) {
      const printedNext = Number(clock.lines[i + 1]!.text.split(' ')[2]);
      assert.ok(
        clock.lines[i]!.at < printedNext,
        `line ${i} arrived after line ${i + 1} was printed`,
      );
    }
  });

  it('refuses another wallet and unsigned requests, and sends no plaintext on the wire', async () => {
    let jobId = 0n;
    const outcome = await runJob(
      requester,
      request('print("wire-secret-" + "1234")\n'),
      (s: RunStage) => {
        if (s.stage === 'posted') jobId = s.jobId;
      },
    );
    assert.equal(outcome.stdout, 'wire-secret-1234\n');
    const url = `${provider.liveServer.url}/v1/jobs/${jobId}/live`;
    const stranger = await net.fundedWallet();
    const asStranger = await fetch(url, {
      headers: {
        authorization: await liveAuthHeader(
          stranger.account,
          31337,
          net.connection.marketAddress,
          jobId,
        ),
      },
    });
    assert.equal(asStranger.status, 403);
    assert.doesNotMatch(await asStranger.text(), /wire-secret|data:/);
    const unsigned = await fetch(url);
    assert.equal(unsigned.status, 401);
    const signed = await liveAuthHeader(
      requester.wallet.account,
      31337,
      net.connection.marketAddress,
      jobId,
    );
    const asRequester = await fetch(url, { headers: { authorization: signed } });
    assert.equal(asRequester.status, 200);
    const wire = await asRequester.text();
    assert.match(wire, /event: output/);
    assert.doesNotMatch(wire, /wire-secret/);
    // The same signed header seen on the wire is good only once.
    const replayed = await fetch(url, { headers: { authorization: signed } });
    assert.equal(replayed.status, 401);
    assert.match(await replayed.text(), /already used/);
  });

  it('resumes after the client drops: no line lost, none duplicated', async () => {
    let resolveHired: (jobId: bigint) => void;
    const hired = new Promise<bigint>((r) => (resolveHired = r));
    const running = runJob(requester, request(ticker(12, 0.15)), (s) => {
      if (s.stage === 'accepted') resolveHired(s.jobId);
    });
    const jobId = await hired;
    const manifest = parseManifest(
      await requester.store.get(requester.index.jobs.get(jobId)!.manifestCid, {
        maxBytes: 1 << 20,
        timeoutMs: 5_000,
      }),
    );
    const keys = jobKeys(requester.wallet.umbralMasterSecret, manifest.keys.label);
    const received: string[] = [];
    const common = {
      endpoint: provider.liveServer.url,
      jobId,
      chainId: 31337,
      market: net.connection.marketAddress,
      account: requester.wallet.account,
      provider: provider.wallet.account.address,
      keys,
    };
    // First client: leaves after three chunks. Events already read off the wire may still be
    // delivered after the abort, and checkpoints take ids too: the client resumes from the last
    // event it was given (events arrive in id order, 0 is the key), counted until it returned.
    const leave = new AbortController();
    let chunks = 0;
    let lastEventId = 0;
    await followLiveOutput({
      ...common,
      signal: leave.signal,
      onOutput: (_s: OutputStream, data) => {
        lastEventId++;
        received.push(new TextDecoder().decode(data));
        if (++chunks === 3) leave.abort();
      },
      onCheckpoint: () => lastEventId++,
    }).catch((error: unknown) => {
      if (!leave.signal.aborted) throw error;
    });
    assert.ok(chunks >= 3, 'the first client left mid-run');
    const second = await followLiveOutput({
      ...common,
      lastEventId,
      onOutput: (_s, data) => received.push(new TextDecoder().decode(data)),
    });
    assert.equal(second.complete, true);
    const outcome = await running;
    assert.equal(received.join(''), outcome.stdout);
    assert.equal(outcome.stdout.split('\n').filter(Boolean).length, 12);
  });

  it('finishes from IPFS with a clear notice when the live endpoint dies', async () => {
    const notices: string[] = [];
    const outcome = await runJob(requester, request(ticker(8)), (s) => {
      if (s.stage === 'running') void provider.liveServer.close();
      if (s.stage === 'notice') notices.push(s.message);
    });
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.stdout.split('\n').filter(Boolean).length, 8);
    assert.equal(outcome.live?.complete, false);
    assert.ok(
      notices.some((n) => /no complete live output/.test(n)),
      `notices: ${notices.join(' | ')}`,
    );
  });
});
