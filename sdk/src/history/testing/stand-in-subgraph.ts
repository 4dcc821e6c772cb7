// A STAND-IN for graph-node, for tests only: graph-node and matchstick cannot run on these
// machines (graph-node is not installable here; matchstick's binary is a download). It serves the
// query schema derived by graph-node-schema.ts from subgraph/schema.graphql, over HTTP, with
// entities from fixtures, implementing the filters, ordering and paging the client uses and
// graph-node's `first` <= 1000 limit. A filter it does not implement is an error, never ignored.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { deriveGraphNodeSchema, type EntityModel } from './graph-node-schema.js';

export type EntityRow = Record<string, unknown> & { id: string };

export interface StandInSubgraphOptions {
  /** subgraph/schema.graphql's text. */
  schemaGraphql: string;
  /** Entity type name => its rows; a reference holds the referenced id. */
  fixtures: Record<string, EntityRow[]>;
  /** The block `_meta` reports as indexed. */
  indexedBlock: number;
}

export interface StandInSubgraph {
  url: string;
  schema: GraphQLSchema;
  /** Every request's variables, in order. */
  readonly requests: Record<string, unknown>[];
  /** Changes what `_meta` reports. */
  indexedBlock: number;
  /** While set, every request gets an HTTP 500 (a failing endpoint). */
  failing: boolean;
  close(): Promise<void>;
}

const MAX_FIRST = 1000;
const MAX_SKIP = 5000;
const OPS = ['not_in', 'in', 'not', 'gte', 'lte', 'gt', 'lt'] as const;

const NUMERIC = new Set(['BigInt', 'Int', 'Int8', 'Timestamp']);

/** Field name => whether graph-node compares it as a number (else as text: String, Bytes, ids). */
type Numeric = (field: string) => boolean;

function compare(a: unknown, b: unknown, numeric: boolean): number {
  if (numeric) {
    const x = BigInt(a as string);
    const y = BigInt(b as string);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function matches(row: EntityRow, where: Record<string, unknown>, numeric: Numeric): boolean {
  for (const [key, wanted] of Object.entries(where)) {
    const op = OPS.find((candidate) => key.endsWith(`_${candidate}`));
    const field = op ? key.slice(0, -(op.length + 1)) : key;
    if (field.endsWith('_') || field === 'and' || field === 'or' || !(field in row))
      throw new Error(`stand-in subgraph: filter "${key}" is not implemented`);
    const value = row[field];
    const c = (w: unknown) => compare(value, w, numeric(field));
    const ok =
      op === undefined
        ? c(wanted) === 0
        : op === 'not'
          ? c(wanted) !== 0
          : op === 'gt'
            ? c(wanted) > 0
            : op === 'lt'
              ? c(wanted) < 0
              : op === 'gte'
                ? c(wanted) >= 0
                : op === 'lte'
                  ? c(wanted) <= 0
                  : op === 'in'
                    ? (wanted as unknown[]).some((w) => c(w) === 0)
                    : !(wanted as unknown[]).some((w) => c(w) === 0);
    if (!ok) return false;
  }
  return true;
}

function collection(
  rows: EntityRow[],
  args: Record<string, unknown>,
  numeric: Numeric,
): EntityRow[] {
  const first = (args.first as number | undefined) ?? 100;
  const skip = (args.skip as number | undefined) ?? 0;
  if (first < 0 || first > MAX_FIRST)
    throw new Error(`The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${first}`);
  if (skip < 0 || skip > MAX_SKIP)
    throw new Error(`The \`skip\` argument must be between 0 and ${MAX_SKIP}, but is ${skip}`);
  const where = (args.where as Record<string, unknown> | undefined) ?? {};
  const orderBy = (args.orderBy as string | undefined) ?? 'id';
  const direction = args.orderDirection === 'desc' ? -1 : 1;
  return rows
    .filter((row) => matches(row, where, numeric))
    .sort((a, b) => direction * compare(a[orderBy], b[orderBy], numeric(orderBy)))
    .slice(skip, skip + first);
}

function resolver(
  model: EntityModel,
  fixtures: Record<string, EntityRow[]>,
  meta: () => number,
): GraphQLFieldResolver<unknown, unknown> {
  const rowsOf = (entity: string) => fixtures[entity] ?? [];
  const numericOf =
    (entity: string): Numeric =>
    (name) =>
      NUMERIC.has(model.entities.get(entity)?.find((f) => f.name === name)?.type ?? '');
  return (source, args, _context, info) => {
    if (info.parentType.name === 'Query') {
      if (info.fieldName === '_meta')
        return { block: { number: meta() }, deployment: 'stand-in', hasIndexingErrors: false };
      const target = model.queryFields.get(info.fieldName);
      if (!target) throw new Error(`stand-in subgraph: no query field ${info.fieldName}`);
      const rows = rowsOf(target.entity);
      return target.collection
        ? collection(rows, args, numericOf(target.entity))
        : rows.find((row) => row.id === args.id);
    }
    const row = source as Record<string, unknown>;
    const field = model.entities.get(info.parentType.name)?.find((f) => f.name === info.fieldName);
    if (!field || !model.entities.has(field.type)) return row[info.fieldName];
    const rows = rowsOf(field.type);
    if (field.derivedFrom)
      return collection(
        rows.filter((r) => r[field.derivedFrom!] === row.id),
        args,
        numericOf(field.type),
      );
    const id = row[info.fieldName];
    return id === null || id === undefined ? null : rows.find((r) => r.id === id);
  };
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startStandInSubgraph(
  options: StandInSubgraphOptions,
): Promise<StandInSubgraph> {
  const { sdl, model } = deriveGraphNodeSchema(options.schemaGraphql);
  const schema = buildSchema(sdl);
  const requests: Record<string, unknown>[] = [];
  const standIn: StandInSubgraph = {
    url: '',
    schema,
    requests,
    indexedBlock: options.indexedBlock,
    failing: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const fieldResolver = resolver(model, options.fixtures, () => standIn.indexedBlock);
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        if (standIn.failing) {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('indexer unavailable');
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          query: string;
          variables?: Record<string, unknown>;
        };
        requests.push(body.variables ?? {});
        const result = await graphql({
          schema,
          source: body.query,
          variableValues: body.variables ?? {},
          fieldResolver,
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/subgraphs/name/orange-cloud`;
  return standIn;
}
