import { OrangeError } from '../errors.js';

/** A PEP 508 distribution name at the start of a requirement. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
/** A URL (`https://…`, `git+ssh://…`, `file:…`) in place of a name. */
const URL_REFERENCE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/|file:)/i;
/** Archives and wheels named by path rather than by project name. */
const ARCHIVE = /\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar)$/i;

/**
 * The requirements of a `requirements.txt`: one PEP 508 requirement a line, `#` comments and
 * `\` continuations as pip reads them. pip options (`-e`, `-r`, `--index-url`, ...), URLs and
 * local paths are refused, naming the line: the wheels are fetched here for another machine,
 * and the user's own pip configuration (not the file) says where from.
 */
export function parseRequirementsFile(fileName: string, text: string): string[] {
  const requirements: string[] = [];
  for (const { line, number } of logicalLines(text)) {
    const problem = requirementProblem(line);
    if (problem) {
      throw new OrangeError(
        'DEPENDENCY_UNSUPPORTED',
        `${fileName} line ${number}: ${JSON.stringify(line)} ${problem}.`,
        {
          hint: 'List plain requirements such as "requests>=2.31"; set the index or find-links in your pip configuration or PIP_* environment variables instead. Nothing was posted.',
        },
      );
    }
    requirements.push(line);
  }
  return requirements;
}

/** Why one requirement cannot be fetched as wheels for another machine, if it cannot. */
export function requirementProblem(requirement: string): string | undefined {
  if (requirement.startsWith('-')) return 'is a pip option, which is not supported here';
  // Everything before the environment marker names what to install.
  const spec = requirement.split(';')[0]!.trim();
  if (URL_REFERENCE.test(spec))
    return 'is a URL; only named requirements can be resolved into wheels';
  if (spec.includes('@'))
    return 'is a direct URL reference; only named requirements can be resolved into wheels';
  if (/^[.~]/.test(spec) || /[/\\]/.test(spec) || ARCHIVE.test(spec))
    return 'is a local path; only named requirements can be resolved into wheels';
  if (!NAME.test(spec)) return 'is not a requirement (it must start with a project name)';
  return undefined;
}

/** Lines as pip sees them: continuations joined, comments and blank lines dropped. */
function* logicalLines(text: string): Generator<{ line: string; number: number }> {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
  let pending = '';
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    if (pending === '') start = i + 1;
    const raw = physical[i]!;
    if (raw.endsWith('\\')) {
      pending += raw.slice(0, -1);
      continue;
    }
    const joined = pending + raw;
    pending = '';
    // pip strips a comment from a `#` at the start or after whitespace.
    const line = joined.replace(/(^|\s+)#.*$/, '').trim();
    if (line !== '') yield { line, number: start };
  }
  const last = pending.replace(/(^|\s+)#.*$/, '').trim();
  if (last !== '') yield { line: last, number: start };
}
