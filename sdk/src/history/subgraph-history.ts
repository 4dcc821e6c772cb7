import { GraphQLClient, gql } from 'graphql-request';
import { getAddress, type Address, type Hex } from 'viem';
import { OrangeError } from '../errors.js';
import type { JobStatus, JobView, ProviderView } from '../chain/market-state.js';
import { newestJobsFirst } from '../chain/job-id.js';
import { readAdvertisedRuntimes, runtimeNames } from '../runtime/runtime-descriptor.js';
import type { MarketHistory } from './market-history.js';

/** graph-node refuses a `first` above 1000. */
export const SUBGRAPH_MAX_PAGE = 1000;

/** The indexed block (`_meta`), to compare with the chain head. */
export const META_QUERY = gql`
  query OrangeMeta {
    _meta {
      block {
        number
      }
      hasIndexingErrors
    }
  }
`;

const JOB_FIELDS = `
  id
  jobId
  requester { id }
  provider { id }
  offerNonce
  name
  runtime
  cores
  memoryMb
  timeoutSec
  pricePerCoreSecond
  manifestCid
  kfrag
  status
  deadline
  hiredBlock
  startedAt
  resultCid
  exitCode
  flags
  runSeconds
  failureReason
  payment { rate stoppedAt seconds paid refunded cost exact }
`;

/** A requester's jobs, one page after the cursor `after` (an id; "" for the first page). */
export const JOBS_QUERY = gql`
  query OrangeJobs($requester: String!, $first: Int!, $after: String!) {
    jobs(
      first: $first
      where: { requester: $requester, id_gt: $after }
      orderBy: id
      orderDirection: asc
    ) {
      ${JOB_FIELDS}
    }
  }
`;

/** Active providers, one page after the cursor `after` (an address; "0x" for the first page). */
export const PROVIDERS_QUERY = gql`
  query OrangeProviders($first: Int!, $after: Bytes!) {
    providers(
      first: $first
      where: { active: true, id_gt: $after }
      orderBy: id
      orderDirection: asc
    ) {
      id
      cores
      memoryMb
      pricePerCoreSecond
      runtimes
      endpoint
      ipfsPeers
      active
    }
  }
`;

interface JobEntity {
  id: string;
  jobId: string;
  requester: { id: string };
  provider: { id: string };
  offerNonce: string;
  name: string;
  runtime: string;
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  pricePerCoreSecond: string;
  manifestCid: string;
  kfrag: string;
  status: JobStatus;
  deadline: string;
  hiredBlock: string;
  startedAt: string | null;
  resultCid: string | null;
  exitCode: number | null;
  flags: number | null;
  runSeconds: number | null;
  failureReason: string | null;
  payment: {
    rate: string;
    stoppedAt: string | null;
    seconds: string | null;
    paid: string | null;
    refunded: string | null;
    cost: string | null;
    exact: boolean | null;
  } | null;
}

interface ProviderEntity {
  id: string;
  cores: number;
  memoryMb: number;
  pricePerCoreSecond: string;
  runtimes: string;
  endpoint: string;
  ipfsPeers: string;
  active: boolean;
}

export interface SubgraphHistoryOptions {
  /** The subgraph's GraphQL endpoint (Subgraph Studio's query URL or a graph-node's). */
  url: string;
  /** Entities asked for per query, at most SUBGRAPH_MAX_PAGE. */
  pageSize?: number;
  fetch?: typeof fetch;
}

/** Job history and providers from the market's subgraph (subgraph/ in this repository). */
export class SubgraphHistory implements MarketHistory {
  readonly source = 'subgraph' as const;
  readonly url: string;
  private readonly client: GraphQLClient;
  private readonly pageSize: number;

  constructor(options: SubgraphHistoryOptions) {
    this.url = options.url;
    this.pageSize = Math.min(options.pageSize ?? SUBGRAPH_MAX_PAGE, SUBGRAPH_MAX_PAGE);
    this.client = new GraphQLClient(options.url, options.fetch ? { fetch: options.fetch } : {});
  }

  /** The last block the subgraph has indexed. */
  async indexedBlock(): Promise<bigint> {
    const data = await this.request<{ _meta: { block: { number: number } } }>(META_QUERY, {});
    return BigInt(data._meta.block.number);
  }

  async jobsOf(requester: Address): Promise<JobView[]> {
    const jobs = await this.pages<JobEntity>('jobs', JOBS_QUERY, '', {
      requester: requester.toLowerCase(),
    });
    return newestJobsFirst(jobs.map(jobView));
  }

  async activeProviders(): Promise<ProviderView[]> {
    return (await this.pages<ProviderEntity>('providers', PROVIDERS_QUERY, '0x', {})).map(
      providerView,
    );
  }

  /**
   * Every entity the query matches, page after page: each page asks for the ids after the last
   * one seen (`id_gt`), which, unlike `skip`, costs graph-node the same on every page.
   */
  private async pages<T extends { id: string }>(
    field: string,
    query: string,
    start: string,
    variables: Record<string, unknown>,
  ): Promise<T[]> {
    const all: T[] = [];
    let after = start;
    for (;;) {
      const data = await this.request<Record<string, T[]>>(query, {
        ...variables,
        first: this.pageSize,
        after,
      });
      const page = data[field] ?? [];
      all.push(...page);
      if (page.length < this.pageSize) return all;
      after = page[page.length - 1]!.id;
    }
  }

  private async request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    try {
      return await this.client.request<T>(query, variables);
    } catch (error) {
      throw new OrangeError('SUBGRAPH_FAILED', `The subgraph at ${this.url} did not answer.`, {
        hint: 'Check the subgraph URL, or read the chain with `--source chain`.',
        cause: error,
      });
    }
  }
}

const optionalNumber = (value: string | number | null) =>
  value === null ? undefined : Number(value);
const optionalString = (value: string | null) => value ?? undefined;

function jobView(job: JobEntity): JobView {
  const payment = job.payment;
  return {
    jobId: BigInt(job.jobId),
    requester: getAddress(job.requester.id),
    provider: getAddress(job.provider.id),
    offerNonce: BigInt(job.offerNonce),
    name: job.name,
    runtime: job.runtime,
    cores: job.cores,
    memoryMb: job.memoryMb,
    timeoutSec: job.timeoutSec,
    pricePerCoreSecond: BigInt(job.pricePerCoreSecond),
    manifestCid: job.manifestCid,
    status: job.status,
    deadline: Number(job.deadline),
    postedBlock: BigInt(job.hiredBlock),
    kfrag: job.kfrag as Hex,
    startedAt: optionalNumber(job.startedAt),
    resultCid: optionalString(job.resultCid),
    exitCode: optionalNumber(job.exitCode),
    flags: optionalNumber(job.flags),
    runSeconds: optionalNumber(job.runSeconds),
    failureReason: optionalString(job.failureReason),
    payment:
      payment === null
        ? undefined
        : {
            rateWei: BigInt(payment.rate),
            stopped:
              payment.stoppedAt === null
                ? undefined
                : {
                    streamedSeconds: Number(payment.seconds ?? 0),
                    paidWei: BigInt(payment.paid ?? 0),
                    refundedWei: BigInt(payment.refunded ?? 0),
                    costWei: BigInt(payment.cost ?? 0),
                    exact: payment.exact ?? false,
                  },
          },
  };
}

function providerView(provider: ProviderEntity): ProviderView {
  const runtimes = readAdvertisedRuntimes(provider.runtimes);
  return {
    address: getAddress(provider.id),
    cores: provider.cores,
    memoryMb: provider.memoryMb,
    pricePerCoreSecond: BigInt(provider.pricePerCoreSecond),
    runtimes: runtimeNames(runtimes),
    runtimeDescriptors: runtimes,
    endpoint: provider.endpoint,
    ipfsPeers: provider.ipfsPeers
      .split(',')
      .map((peer) => peer.trim())
      .filter(Boolean),
    active: provider.active,
  };
}
