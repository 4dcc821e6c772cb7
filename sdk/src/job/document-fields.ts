import { OrangeError, type OrangeErrorCode } from '../errors.js';

/**
 * Strict readers for the fields of a JSON document. Each failure is an OrangeError with
 * the document's code that names the offending field by its dotted path.
 */
export class DocumentFields {
  constructor(
    private readonly code: OrangeErrorCode,
    private readonly document: string,
    private readonly hint: string,
  ) {}

  fail(path: string, problem: string, cause?: unknown): OrangeError {
    const where = path ? `field "${path}"` : 'document';
    return new OrangeError(this.code, `The ${this.document} is invalid: ${where} ${problem}.`, {
      hint: this.hint,
      cause,
    });
  }

  /** Decodes UTF-8 JSON; the top level must be an object. */
  parseJson(bytes: Uint8Array): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (error) {
      throw this.fail('', 'is not UTF-8 JSON', error);
    }
    return this.object(value, '');
  }

  /** An object with exactly the listed required keys, plus any listed optional ones. */
  object(
    value: unknown,
    path: string,
    required: string[] = [],
    optional: string[] = [],
  ): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.fail(path, 'must be an object');
    const record = value as Record<string, unknown>;
    if (required.length > 0 || optional.length > 0) {
      for (const key of required) {
        if (!(key in record)) throw this.fail(join(path, key), 'is missing');
      }
      for (const key of Object.keys(record)) {
        if (!required.includes(key) && !optional.includes(key))
          throw this.fail(join(path, key), 'is not allowed');
      }
    }
    return record;
  }

  literal<T extends string | number>(
    record: Record<string, unknown>,
    path: string,
    expected: T,
  ): T {
    const value = record[last(path)];
    if (value !== expected) throw this.fail(path, `must be ${JSON.stringify(expected)}`);
    return expected;
  }

  string(
    record: Record<string, unknown>,
    path: string,
    pattern?: RegExp,
    describe?: string,
  ): string {
    const value = record[last(path)];
    if (typeof value !== 'string') throw this.fail(path, 'must be a string');
    if (pattern && !pattern.test(value))
      throw this.fail(path, `must be ${describe ?? `a string matching ${pattern}`}`);
    return value;
  }

  boolean(record: Record<string, unknown>, path: string): boolean {
    const value = record[last(path)];
    if (typeof value !== 'boolean') throw this.fail(path, 'must be true or false');
    return value;
  }

  /** A finite number within [min, max]; integers only unless `integer` is false. */
  number(
    record: Record<string, unknown>,
    path: string,
    min: number,
    max: number,
    integer = true,
  ): number {
    const value = record[last(path)];
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isSafeInteger(value));
    if (!ok || value < min || value > max) {
      throw this.fail(path, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return value;
  }

  /** Canonical padded base64, decoded; at least one byte. */
  base64(record: Record<string, unknown>, path: string, maxBytes: number): Uint8Array {
    const text = this.string(record, path, /^[A-Za-z0-9+/]+={0,2}$/, 'base64');
    const bytes = Buffer.from(text, 'base64');
    if (bytes.toString('base64') !== text) throw this.fail(path, 'must be canonical base64');
    if (bytes.length > maxBytes) throw this.fail(path, `must decode to at most ${maxBytes} bytes`);
    return new Uint8Array(bytes);
  }

  /** An ISO-8601 UTC timestamp as `Date.prototype.toISOString` writes it. */
  timestamp(record: Record<string, unknown>, path: string): string {
    const text = this.string(
      record,
      path,
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
      'an ISO-8601 UTC timestamp',
    );
    const time = Date.parse(text);
    if (Number.isNaN(time) || new Date(time).toISOString() !== text)
      throw this.fail(path, 'must be a real date');
    return text;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function last(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** JSON with keys sorted at every level and no whitespace: the same document always gives the same bytes (and CID). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
