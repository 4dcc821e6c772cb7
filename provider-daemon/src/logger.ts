/** One line per event, greppable, with the job id first when there is one. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** `text`: `time level message key=value...`; `json`: one JSON object a line (log shippers). */
export type LogFormat = 'text' | 'json';

export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/** The job id leads, so `grep job=12` and a JSON `.job` filter find every line of a job. */
function jobFirst(fields: Record<string, unknown> | undefined): [string, unknown][] {
  const entries = Object.entries(fields ?? {});
  return entries.sort(([a], [b]) => Number(b === 'job') - Number(a === 'job'));
}

/** Bigints (job ids, wei) as decimal strings: JSON has no bigint. */
const plain = (value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

function textLine(level: string, message: string, fields?: Record<string, unknown>): string {
  const rendered = jobFirst(fields)
    .map(([k, v]) => ` ${k}=${typeof v === 'bigint' ? v.toString() : JSON.stringify(v)}`)
    .join('');
  return `${new Date().toISOString()} ${level} ${message}${rendered}`;
}

function jsonLine(level: string, message: string, fields?: Record<string, unknown>): string {
  const line = { time: new Date().toISOString(), level, msg: message };
  return JSON.stringify(Object.assign(line, Object.fromEntries(jobFirst(fields))), (_k, v) =>
    plain(v),
  );
}

export function consoleLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  format: LogFormat = 'text',
): Logger {
  const render = format === 'json' ? jsonLine : textLine;
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(render(level, message, fields));
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
