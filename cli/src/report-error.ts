import { OrangeError } from '@orange-cloud/sdk';
import { toJson } from './format.js';

/**
 * How a failed command ends: an OrangeError as its message and hint (and as
 * JSON on standard output under --json), exit code 2; anything else is a bug,
 * shown with its stack, exit code 70.
 */
export function reportError(error: unknown, argv: string[]): void {
  const json = argv.includes('--json');
  if (error instanceof OrangeError) {
    if (json)
      process.stdout.write(
        toJson({ error: { code: error.code, message: error.message, hint: error.hint ?? null } }) +
          '\n',
      );
    process.stderr.write(`orange: ${error.userMessage}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`orange: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  }
}
