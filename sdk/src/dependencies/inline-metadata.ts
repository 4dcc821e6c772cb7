import { parse as parseToml } from 'smol-toml';
import { OrangeError } from '../errors.js';

/**
 * PEP 723's block grammar, as its reference implementation writes it: a `# /// TYPE` line,
 * comment lines that are `#` alone or `# ` and text, and the last `# ///` line of that run.
 */
const BLOCK = /^# \/\/\/ (?<type>[a-zA-Z0-9-]+)$\s(?<content>(^#(| .*)$\s)+)^# \/\/\/$/gm;

/** The fields of a `script` block this client acts on. */
export interface InlineMetadata {
  dependencies: string[];
  requiresPython?: string;
}

/**
 * Reads the PEP 723 `script` block of a Python source, or undefined when it has none. Two
 * `script` blocks, TOML that does not parse, or fields of the wrong type are refused: the
 * script's author meant something, and guessing would run the wrong environment.
 */
export function readInlineMetadata(fileName: string, source: string): InlineMetadata | undefined {
  // Python reads source with universal newlines; the grammar is written for `\n` alone.
  const text = source.replace(/\r\n?/g, '\n');
  const blocks = [...text.matchAll(BLOCK)].filter((m) => m.groups?.type === 'script');
  if (blocks.length === 0) return undefined;
  if (blocks.length > 1) {
    throw invalid(fileName, 'has more than one "# /// script" block; PEP 723 allows one');
  }
  const content = blocks[0]!
    .groups!.content!.split(/(?<=\n)/)
    .map((line) => (line.startsWith('# ') ? line.slice(2) : line.slice(1)))
    .join('');
  let table: Record<string, unknown>;
  try {
    table = parseToml(content);
  } catch (error) {
    throw invalid(
      fileName,
      `has a "# /// script" block that is not valid TOML: ${firstLine(error)}`,
      error,
    );
  }
  const metadata: InlineMetadata = {
    dependencies: stringList(fileName, table.dependencies, 'dependencies'),
  };
  if (table['requires-python'] !== undefined) {
    if (typeof table['requires-python'] !== 'string')
      throw invalid(fileName, 'declares "requires-python" that is not a string');
    metadata.requiresPython = table['requires-python'];
  }
  return metadata;
}

/** A TOML list of strings (absent means empty), or a refusal naming the field. */
export function stringList(fileName: string, value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw invalid(fileName, `declares "${field}" that is not a list of strings`);
  return value as string[];
}

export function invalid(fileName: string, problem: string, cause?: unknown): OrangeError {
  return new OrangeError('DEPENDENCIES_INVALID', `${fileName} ${problem}.`, {
    hint: 'Fix the dependency declaration and run again. Nothing was posted.',
    cause,
  });
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}
