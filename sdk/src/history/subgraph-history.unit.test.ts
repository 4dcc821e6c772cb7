// The subgraph client against a STAND-IN for graph-node (testing/stand-in-subgraph.ts): graph-node
// and matchstick cannot run on these machines, so the client is checked against the query schema
// graph-node derives from subgraph/schema.graphql (testing/graph-node-schema.ts, written from The
// Graph's documented rules) and served from fixtures by graphql's reference implementation.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse, validate } from 'graphql';
import type { Address } from 'viem';
import type { JobView, ProviderView } from '../chain/market-state.js';
import { HistoryReader, historySourceNote } from './history-reader.js';
import type { MarketHistory } from './market-history.js';
import { JOBS_QUERY, META_QUERY, PROVIDERS_QUERY, SubgraphHistory } from './subgraph-history.js';
import {
  startStandInSubgraph,
  type EntityRow,
  type StandInSubgraph,
} from './testing/stand-in-subgraph.js';

const schemaGraphql = await readFile(
  new URL('../../../subgraph/schema.graphql', import.meta.url),
  'utf8',
);

const ALICE = '0x1111111111111111111111111111111111111111' as Address;
const BOB = '0x2222222222222222222222222222222222222222' as Address;
const P1 = '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const P2 = '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const P3 = '0xcccccccccccccccccccccccccccccccccccccccc';

function job(id: number, requester: string, extra: Partial<EntityRow> = {}): EntityRow {
  return {
    id: String(id),
    jobId: String(id),
    requester: requester.toLowerCase(),
    provider: P1,
    offerNonce: '7',
    name: `job-${id}.py`,
    runtime: 'python3',
    cores: 2,
    memoryMb: 512,
    timeoutSec: 60,
    pricePerCoreSecond: '1000',
    rate: '2000',
    manifestCid: `bafy${id}`,
    kfrag: '0x0102',
    status: 'accepted',
    deadline: '1700000000',
    hiredBlock: String(100 + id),
    hiredAt: '1700000000',
    startedAt: null,
    endedAt: null,
    resultCid: null,
    exitCode: null,
    flags: null,
    runSeconds: null,
    failureReason: null,
    expiredFrom: null,
    payment: null,
    ...extra,
  };
}

function provider(id: string, active: boolean): EntityRow {
  return {
    id,
    cores: 4,
    memoryMb: 4096,
    pricePerCoreSecond: '1000',
    runtimes: 'python3,python-data',
    endpoint: 'http://127.0.0.1:1',
    ipfsPeers: '/ip4/127.0.0.1/tcp/4001, /ip4/127.0.0.1/tcp/4002',
    active,
    registeredAt: '1',
    updatedAt: '1',
    bond: '0',
    rewards: '0',
    jobCount: 0,
  };
}

// Ids 9 and 10 order differently as text and as numbers: graph-node pages String ids as text.
const fixtures = {
  Job: [
    job(1, ALICE),
    job(2, ALICE, {
      status: 'completed',
      startedAt: '1700000010',
      exitCode: 0,
      flags: 0,
      runSeconds: 30,
      resultCid: 'bafyresult',
      payment: '2',
    }),
    job(3, BOB),
    job(9, ALICE),
    job(10, ALICE),
  ],
  Payment: [
    {
      id: '2',
      job: '2',
      rate: '2000',
      startedAt: '1700000010',
      stoppedAt: '1700000040',
      seconds: '30',
      paid: '60000',
      refunded: '0',
      cost: '60000',
      exact: true,
      leftToRequester: false,
    },
  ],
  Provider: [provider(P1, true), provider(P2, false), provider(P3, true)],
  Requester: [
    { id: ALICE.toLowerCase(), jobCount: 4, firstHireAt: '1' },
    { id: BOB.toLowerCase(), jobCount: 1, firstHireAt: '1' },
  ],
};

/** The chain's events, faked: what the reader falls back to. */
function fakeChain(): MarketHistory & { reads: number } {
  const chain = {
    source: 'chain' as const,
    reads: 0,
    jobsOf: async (): Promise<JobView[]> => {
      chain.reads++;
      return [];
    },
    activeProviders: async (): Promise<ProviderView[]> => {
      chain.reads++;
      return [];
    },
  };
  return chain;
}

describe('the subgraph client (against a stand-in for graph-node: graph-node cannot run here)', () => {
  let standIn: StandInSubgraph;
  beforeEach(async () => {
    standIn = await startStandInSubgraph({ schemaGraphql, fixtures, indexedBlock: 1000 });
  });
  afterEach(() => standIn.close());

  it('validates every query against the schema graph-node derives from schema.graphql', () => {
    for (const query of [JOBS_QUERY, PROVIDERS_QUERY, META_QUERY])
      assert.deepEqual(validate(standIn.schema, parse(query)).map(String), []);
    // The check can fail: a filter graph-node does not derive is refused.
    const bad = parse('{ jobs(where: { requester_near: "x" }) { id } }');
    assert.equal(validate(standIn.schema, bad).length, 1);
  });

  it('derives what graph-node serves: entity filters, ordering, first/skip and _meta', () => {
    const valid = (query: string) => validate(standIn.schema, parse(query)).map(String);
    // Accepted as graph-node accepts them: scalar, enum and reference filters, a nested filter
    // on a referenced entity, and/or, ordering by a field and by a referenced entity's field,
    // first/skip, a list field's own arguments, and every `_meta` field.
    assert.deepEqual(
      valid(`{
        jobs(
          first: 10
          skip: 20
          orderBy: provider__pricePerCoreSecond
          orderDirection: desc
          where: {
            status_in: [completed, failed]
            jobId_gte: "18446744073709551617"
            name_starts_with_nocase: "job"
            requester_: { jobCount_gt: 1 }
          }
        ) { id jobId payment { cost } provider { id } }
        ended: jobs(where: { or: [{ exitCode: 0 }, { failureReason_not: null }] }) { id }
        providers(orderBy: pricePerCoreSecond, where: { active: true, runtimes_contains: "python3" }) {
          id registrations(first: 5, orderBy: block, orderDirection: desc) { id }
        }
        job(id: "1") { id }
        _meta { block { number hash timestamp } deployment hasIndexingErrors }
      }`),
      [],
    );
    // Refused as graph-node refuses them.
    for (const bad of [
      '{ jobs(orderBy: cost) { id } }', // not a field of Job
      '{ jobs(where: { status: running2 }) { id } }', // not a value of the enum
      '{ jobs(first: "10") { id } }', // first is an Int
      '{ jobs(where: { active: true }) { id } }', // a field of Provider, not Job
      '{ providers(where: { active_gt: true }) { id } }', // Booleans have no order
      '{ _meta { block { height } } }', // not a field of _Block_
    ])
      assert.equal(valid(bad).length, 1, bad);
  });

  it('serves first/skip and id_gt as graph-node does, within its limits', async () => {
    const ask = async (query: string) => {
      const response = await fetch(standIn.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as {
        data?: { jobs: { id: string }[] };
        errors?: { message: string }[];
      };
    };
    // String ids order as text: "10" before "2".
    const page = await ask('{ jobs(first: 2, skip: 1, orderBy: id) { id } }');
    assert.deepEqual(
      page.data?.jobs.map((j) => j.id),
      ['10', '2'],
    );
    const after = await ask('{ jobs(where: { id_gt: "2" }, orderBy: id) { id } }');
    assert.deepEqual(
      after.data?.jobs.map((j) => j.id),
      ['3', '9'],
    );
    const tooFar = await ask('{ jobs(skip: 5001) { id } }');
    assert.match(tooFar.errors?.[0]?.message ?? '', /between 0 and 5000/);
  });

  it("reads a requester's jobs newest first, page by page with id_gt cursors", async () => {
    const history = new SubgraphHistory({ url: standIn.url, pageSize: 2 });
    const jobs = await history.jobsOf(ALICE);
    assert.deepEqual(
      jobs.map((j) => j.jobId),
      [10n, 9n, 2n, 1n],
    );
    // 4 jobs in pages of 2: a third, empty page ends it; each page starts after the last id.
    assert.deepEqual(
      standIn.requests.map((r) => [r.first, r.after]),
      [
        [2, ''],
        [2, '10'],
        [2, '9'],
      ],
    );
    const done = jobs.find((j) => j.jobId === 2n)!;
    assert.equal(done.requester, ALICE);
    assert.equal(done.provider, '0xaAaAaAaaAaAaAaaAaAAAAAAAAaaaAaAaAaaAaaAa');
    assert.equal(done.status, 'completed');
    assert.equal(done.runSeconds, 30);
    assert.equal(done.startedAt, 1700000010);
    assert.equal(done.kfrag, '0x0102');
    assert.deepEqual(done.payment, {
      rateWei: 2000n,
      stopped: {
        streamedSeconds: 30,
        paidWei: 60000n,
        refundedWei: 0n,
        costWei: 60000n,
        exact: true,
      },
    });
    assert.equal(jobs.find((j) => j.jobId === 1n)!.payment, undefined);
  });

  it('orders long per-provider job ids by hire, newest first, across pages', async () => {
    // Ids numbered per provider: large, sparse, and not in the order the jobs were hired.
    const P1_FIRST = 2n ** 64n * 7n + 1n;
    const P2_FIRST = 2n ** 64n * 3n + 1n;
    const hires = [
      { id: P1_FIRST, block: 500 },
      { id: P2_FIRST, block: 510 },
      { id: P1_FIRST + 1n, block: 520 },
      { id: P2_FIRST + 1n, block: 530 },
    ];
    const longIds = await startStandInSubgraph({
      schemaGraphql,
      fixtures: {
        ...fixtures,
        Job: hires.map(({ id, block }) =>
          job(0, ALICE, { id: String(id), jobId: String(id), hiredBlock: String(block) }),
        ),
      },
      indexedBlock: 1000,
    });
    try {
      const jobs = await new SubgraphHistory({ url: longIds.url, pageSize: 3 }).jobsOf(ALICE);
      assert.deepEqual(
        jobs.map((j) => j.jobId),
        [P2_FIRST + 1n, P1_FIRST + 1n, P2_FIRST, P1_FIRST],
      );
      assert.deepEqual(
        jobs.map((j) => j.postedBlock),
        [530n, 520n, 510n, 500n],
      );
      // Pages go by id as text (graph-node orders String ids so): the second page starts after
      // the first page's last id in that order, "55340232221128654849" after "1291…".
      assert.deepEqual(
        longIds.requests.map((r) => r.after),
        ['', String(P2_FIRST)],
      );
    } finally {
      await longIds.close();
    }
  });

  it('asks for at most 1000 entities a page, the most graph-node serves', async () => {
    const history = new SubgraphHistory({ url: standIn.url, pageSize: 5000 });
    await history.activeProviders();
    assert.deepEqual(standIn.requests, [{ first: 1000, after: '0x' }]);
    // The stand-in holds graph-node's limit, so a larger page would have failed.
    const raw = await fetch(standIn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PROVIDERS_QUERY, variables: { first: 1001, after: '0x' } }),
    });
    const body = (await raw.json()) as { errors?: { message: string }[] };
    assert.match(body.errors?.[0]?.message ?? '', /between 0 and 1000/);
  });

  it('lists the active providers with their runtimes and IPFS peers', async () => {
    const providers = await new SubgraphHistory({ url: standIn.url }).activeProviders();
    assert.deepEqual(
      providers.map((p) => p.address.toLowerCase()),
      [P1, P3],
    );
    assert.deepEqual(providers[0]!.runtimes, ['python3', 'python-data']);
    assert.deepEqual(providers[0]!.ipfsPeers, [
      '/ip4/127.0.0.1/tcp/4001',
      '/ip4/127.0.0.1/tcp/4002',
    ]);
  });

  describe('freshness', () => {
    const reader = (head: bigint, lines: string[], chain = fakeChain()) => ({
      chain,
      reader: new HistoryReader({
        chain,
        subgraph: new SubgraphHistory({ url: standIn.url }),
        headBlock: async () => head,
        maxLagBlocks: 20n,
        log: (line) => lines.push(line),
      }),
    });

    it('reads the subgraph while it is within the lag of the chain head', async () => {
      const lines: string[] = [];
      const { chain, reader: r } = reader(1020n, lines);
      const read = await r.jobsOf(ALICE);
      assert.equal(read.source, 'subgraph');
      assert.equal(read.items.length, 4);
      assert.equal(read.fallback, undefined);
      assert.equal(historySourceNote(read), 'from the subgraph');
      assert.equal(chain.reads, 0);
      assert.deepEqual(lines, []);
    });

    it("falls back to the chain's events when the subgraph lags, and says so", async () => {
      const lines: string[] = [];
      const { chain, reader: r } = reader(1021n, lines);
      const read = await r.activeProviders();
      assert.equal(read.source, 'chain');
      assert.deepEqual(read.fallback, {
        reason: 'lag',
        lagBlocks: 21n,
        indexedBlock: 1000n,
        headBlock: 1021n,
      });
      assert.equal(historySourceNote(read), 'from chain events: subgraph 21 blocks behind');
      assert.equal(chain.reads, 1);
      assert.equal(lines.length, 1);
      assert.match(
        lines[0]!,
        /21 blocks behind the chain \(at block 1000, head 1021, more than 20\)/,
      );
    });

    it("falls back to the chain's events when the subgraph fails, and says so", async () => {
      standIn.failing = true;
      const lines: string[] = [];
      const { chain, reader: r } = reader(1000n, lines);
      const read = await r.jobsOf(ALICE);
      assert.equal(read.source, 'chain');
      assert.equal(read.fallback?.reason, 'error');
      assert.equal(historySourceNote(read), 'from chain events: subgraph failed');
      assert.equal(chain.reads, 1);
      assert.match(
        lines[0]!,
        /the subgraph at http:\/\/127\.0\.0\.1:\d+\/\S+ failed \(.*500.*\): reading the chain's events instead/,
      );
    });

    it('fails as the chain fails when the chain head cannot be read, blaming no subgraph', async () => {
      const lines: string[] = [];
      const chain = fakeChain();
      const lost = new Error('HTTP request failed: ECONNREFUSED');
      const r = new HistoryReader({
        chain,
        subgraph: new SubgraphHistory({ url: standIn.url }),
        headBlock: () => Promise.reject(lost),
        log: (line) => lines.push(line),
      });
      await assert.rejects(r.jobsOf(ALICE), (error) => error === lost);
      assert.deepEqual(lines, []);
      assert.equal(chain.reads, 0);
    });

    it("falls back to the chain's events when nothing answers at the subgraph's URL", async () => {
      await standIn.close();
      const lines: string[] = [];
      const { chain, reader: r } = reader(1000n, lines);
      assert.equal((await r.jobsOf(ALICE)).source, 'chain');
      assert.equal(chain.reads, 1);
      assert.match(lines[0]!, /failed/);
    });
  });
});
