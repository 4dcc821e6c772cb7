/**
 * Every error the protocol raises on purpose is an OrangeError: `message` is
 * written for the user (what happened and what to do), `code` is stable for
 * programs, and the low-level cause stays chained for logs.
 */
export class OrangeError extends Error {
  override readonly name: string = 'OrangeError';
  /** Stable machine-readable identifier, e.g. `EMPTY_SCRIPT`. */
  readonly code: string;
  /** One actionable sentence, shown after the message when present. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  /** The message followed by its hint: what a CLI or a notification shows. */
  get userMessage(): string {
    return this.hint ? `${this.message}\n${this.hint}` : this.message;
  }
}

export function isOrangeError(value: unknown): value is OrangeError {
  return value instanceof OrangeError;
}
