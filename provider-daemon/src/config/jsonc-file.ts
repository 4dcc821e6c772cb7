import { readFile } from 'node:fs/promises';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { OrangeError } from '@orange-cloud/sdk';

/**
 * Parses a config file's text: JSON with comments and trailing commas (JSONC, as
 * `orange-provider init` writes it); plain JSON is a subset. The first syntax error is reported
 * with its line and column.
 */
export function parseJsonc(text: string, path: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  const [first] = errors;
  if (first) {
    const before = text.slice(0, first.offset).split('\n');
    const where = `line ${before.length}, column ${before.at(-1)!.length + 1}`;
    throw new OrangeError(
      'CONFIG_INVALID',
      `The provider config ${path} is not valid JSON with comments: ${printParseErrorCode(first.error)} at ${where}.`,
      { hint: 'Fix the file, or write a fresh one with `orange-provider init --force`.' },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OrangeError('CONFIG_INVALID', `The provider config ${path} is not an object.`, {
      hint: 'A provider config is one { ... } object; `orange-provider init` writes one.',
    });
  }
  return value as Record<string, unknown>;
}

/** Reads and parses a JSONC config file; an unreadable file is a CONFIG_INVALID naming it. */
export async function readJsoncFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OrangeError(
      'CONFIG_INVALID',
      `Cannot read the provider config ${path}: ${(error as Error).message}`,
      { hint: 'Write one with `orange-provider init`, or pass --config FILE.', cause: error },
    );
  }
  return parseJsonc(text, path);
}
