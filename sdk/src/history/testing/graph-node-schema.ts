// The query schema graph-node derives from a subgraph's schema.graphql, written from The Graph's
// documented rules (Querying The Graph: entity queries, filters, ordering, pagination, `_meta`).
// Only the rules the client's queries can touch are derived; graph-node itself cannot run here.
//
// Rules derived, for every `type T @entity` with fields f:
// - Query `t(id: ID!, block, subgraphError): T` and
//   `ts(skip: Int = 0, first: Int = 100, orderBy: T_orderBy, orderDirection: OrderDirection,
//   where: T_filter, block, subgraphError): [T!]!` (t: T with a lowercase first letter; ts: its
//   plural, which here only appends "s": a name that needs another plural is refused).
// - `T_filter`: for a scalar f of type S: f, f_not, f_gt, f_lt, f_gte, f_lte, f_in: [S!],
//   f_not_in: [S!] (Boolean and enums: f, f_not, f_in, f_not_in); String adds f_contains,
//   f_not_contains, f_starts_with, f_not_starts_with, f_ends_with, f_not_ends_with and their
//   _nocase forms; Bytes adds f_contains, f_not_contains. A reference to another entity filters by
//   its id as String (the same operators as String) and by `f_: U_filter`; a @derivedFrom list
//   only by `f_: U_filter`. Every filter has `_change_block: BlockChangedFilter`, `and`, `or`.
// - `T_orderBy`: every field, and `f__g` for each scalar g of a referenced entity.
// - A list field of entities takes skip, first, orderBy, orderDirection and where.
// - `_meta(block: Block_height): _Meta_` with `block { hash number timestamp parentHash }`,
//   `deployment` and `hasIndexingErrors`.
import {
  Kind,
  parse,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';

export interface EntityField {
  name: string;
  /** The named type (scalar, enum or entity). */
  type: string;
  list: boolean;
  nonNull: boolean;
  /** For a @derivedFrom list: the field of `type` that points back. */
  derivedFrom: string | undefined;
}

export interface EntityModel {
  /** Entity type name => its fields. */
  entities: Map<string, EntityField[]>;
  enums: Map<string, string[]>;
  /** Query field (`jobs`, `job`) => entity type and whether it is the collection. */
  queryFields: Map<string, { entity: string; collection: boolean }>;
}

const NUMERIC_OR_ORDERED = new Set([
  'ID',
  'String',
  'Bytes',
  'BigInt',
  'BigDecimal',
  'Int',
  'Int8',
  'Timestamp',
]);
const STRING_OPS = [
  'contains',
  'not_contains',
  'starts_with',
  'not_starts_with',
  'ends_with',
  'not_ends_with',
];

const COMMON = `
scalar BigDecimal
scalar BigInt
scalar Bytes
scalar Int8
scalar Timestamp
enum OrderDirection { asc desc }
enum _SubgraphErrorPolicy_ { allow deny }
input Block_height { hash: Bytes number: Int number_gte: Int }
input BlockChangedFilter { number_gte: Int! }
type _Block_ { hash: Bytes number: Int! timestamp: Int parentHash: Bytes }
type _Meta_ { block: _Block_! deployment: String! hasIndexingErrors: Boolean! }
`;

function named(type: TypeNode): { name: string; list: boolean; nonNull: boolean } {
  let list = false;
  let nonNull = type.kind === Kind.NON_NULL_TYPE;
  let node = type;
  while (node.kind !== Kind.NAMED_TYPE) {
    if (node.kind === Kind.LIST_TYPE) list = true;
    node = node.type;
  }
  if (list) nonNull = type.kind === Kind.NON_NULL_TYPE;
  return { name: node.name.value, list, nonNull };
}

function entityField(field: FieldDefinitionNode): EntityField {
  const { name, list, nonNull } = named(field.type);
  const derived = field.directives?.find((d) => d.name.value === 'derivedFrom');
  const arg = derived?.arguments?.find((a) => a.name.value === 'field')?.value;
  return {
    name: field.name.value,
    type: name,
    list,
    nonNull,
    derivedFrom: arg?.kind === Kind.STRING ? arg.value : undefined,
  };
}

function plural(name: string): string {
  if (/(s|x|z|ch|sh|[^aeiou]y)$/.test(name))
    throw new Error(`graph-node-schema: no plural rule here for "${name}"`);
  return `${name}s`;
}

/** The entities of a subgraph's schema.graphql. */
export function readEntityModel(schemaGraphql: string): EntityModel {
  const doc = parse(schemaGraphql);
  const entities = new Map<string, EntityField[]>();
  const enums = new Map<string, string[]>();
  const queryFields = new Map<string, { entity: string; collection: boolean }>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION)
      enums.set(def.name.value, def.values?.map((v) => v.name.value) ?? []);
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const object = def as ObjectTypeDefinitionNode;
    if (!object.directives?.some((d) => d.name.value === 'entity')) continue;
    const name = object.name.value;
    entities.set(name, (object.fields ?? []).map(entityField));
    const single = name[0]!.toLowerCase() + name.slice(1);
    queryFields.set(single, { entity: name, collection: false });
    queryFields.set(plural(single), { entity: name, collection: true });
  }
  return { entities, enums, queryFields };
}

/** The SDL of the query schema graph-node would serve for `schemaGraphql`. */
export function deriveGraphNodeSchema(schemaGraphql: string): { sdl: string; model: EntityModel } {
  const model = readEntityModel(schemaGraphql);
  const { entities, enums } = model;
  const isEntity = (type: string) => entities.has(type);
  const collectionArgs = (entity: string) =>
    `(skip: Int = 0, first: Int = 100, orderBy: ${entity}_orderBy, orderDirection: OrderDirection, where: ${entity}_filter)`;
  const parts = [COMMON];
  for (const [name, values] of enums) parts.push(`enum ${name} { ${values.join(' ')} }`);
  const query: string[] = [];
  for (const [entity, fields] of entities) {
    const typeLines = fields.map((f) => {
      const base = f.list ? `[${f.type}!]!` : `${f.type}${f.nonNull ? '!' : ''}`;
      return `  ${f.name}${f.list && isEntity(f.type) ? collectionArgs(f.type) : ''}: ${base}`;
    });
    parts.push(`type ${entity} {\n${typeLines.join('\n')}\n}`);

    const filter: string[] = [];
    const order: string[] = [];
    for (const f of fields) {
      order.push(f.name);
      if (f.list) {
        if (isEntity(f.type)) filter.push(`${f.name}_: ${f.type}_filter`);
        continue;
      }
      const reference = isEntity(f.type);
      const scalar = reference ? 'String' : f.type;
      const ops =
        enums.has(scalar) || scalar === 'Boolean'
          ? ['', 'not', 'in', 'not_in']
          : ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'];
      if (!enums.has(scalar) && scalar !== 'Boolean' && !NUMERIC_OR_ORDERED.has(scalar))
        throw new Error(`graph-node-schema: no filter rule for ${entity}.${f.name}: ${scalar}`);
      if (scalar === 'String') for (const op of STRING_OPS) ops.push(op, `${op}_nocase`);
      if (scalar === 'Bytes') ops.push('contains', 'not_contains');
      for (const op of ops) {
        const list = op === 'in' || op === 'not_in';
        filter.push(`${f.name}${op ? `_${op}` : ''}: ${list ? `[${scalar}!]` : scalar}`);
      }
      if (reference) {
        filter.push(`${f.name}_: ${f.type}_filter`);
        for (const g of entities.get(f.type) ?? [])
          if (!g.list && !isEntity(g.type)) order.push(`${f.name}__${g.name}`);
      }
    }
    filter.push(
      '_change_block: BlockChangedFilter',
      `and: [${entity}_filter]`,
      `or: [${entity}_filter]`,
    );
    parts.push(`input ${entity}_filter {\n  ${filter.join('\n  ')}\n}`);
    parts.push(`enum ${entity}_orderBy { ${order.join(' ')} }`);
  }
  for (const [field, { entity, collection }] of model.queryFields) {
    const common = 'block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny';
    query.push(
      collection
        ? `  ${field}(skip: Int = 0, first: Int = 100, orderBy: ${entity}_orderBy, orderDirection: OrderDirection, where: ${entity}_filter, ${common}): [${entity}!]!`
        : `  ${field}(id: ID!, ${common}): ${entity}`,
    );
  }
  query.push('  _meta(block: Block_height): _Meta_');
  parts.push(`type Query {\n${query.join('\n')}\n}`);
  return { sdl: parts.join('\n\n') + '\n', model };
}
