import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startAuthorizedRequester,
  type AuthorizedRequester,
} from './testing/authorized-requester.js';
import { ORANGE_BIN } from './testing/run-cli.js';

/**
 * Alternates the two streams, then exits with a message on stderr. Docker carries stdout and
 * stderr in two pipes, so writes of the same instant have no order between them: this program
 * prints its lines a moment apart, as a person reading a terminal would tell them apart.
 */
const INTERLEAVED = `import sys, time
for stream, line in [(sys.stdout, "out 1"), (sys.stderr, "err 1"), (sys.stdout, "out 2"),
                     (sys.stdout, "out 3"), (sys.stderr, "err 2"), (sys.stdout, "out 4")]:
    print(line, file=stream, flush=True)
    time.sleep(0.1)
raise SystemExit("err 3")
`;

const PRINTED = 'out 1\nerr 1\nout 2\nout 3\nerr 2\nout 4\nerr 3';
/** The program's own lines in a terminal's text, without the CLI's. */
const programLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => /^(out|err) \d$/.test(line))
    .join('\n');

/**
 * Runs the CLI with stdout and stderr on one file, as a terminal has them,
 * and returns what the file holds once it exits.
 */
async function runIntoOneFile(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  path: string,
): Promise<{ code: number | null; text: string }> {
  const file = await open(path, 'w');
  try {
    const child = spawn(process.execPath, [ORANGE_BIN, ...args], {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', file.fd, file.fd],
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    return { code, text: await readFile(path, 'utf8') };
  } finally {
    await file.close();
  }
}

describe('orange run prints stdout and stderr in the order the program printed them', function () {
  this.timeout(180_000);
  let requester: AuthorizedRequester;
  let home: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];
  let jobId: string | undefined;

  before(async () => {
    requester = await startAuthorizedRequester('order');
    ({ home, env, flags } = requester);
    project = await mkdtemp(join(tmpdir(), 'orange-cli-order-project-'));
    await writeFile(join(project, 'interleaved.py'), INTERLEAVED);
  });

  after(async () => {
    await requester?.stop();
    for (const dir of [project]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('interleaves the two streams as printed, live or from the result, then the closing lines', async () => {
    // Outside the project: the file would otherwise be sent with it.
    const terminal = join(home, 'terminal.txt');
    const { code, text } = await runIntoOneFile(
      ['run', 'interleaved.py', ...flags],
      env,
      project,
      terminal,
    );
    assert.equal(code, 1, text);
    assert.equal(programLines(text), PRINTED, text);
    // Printed once: no reprint of the verified result after the live output.
    assert.equal(text.split('out 1').length - 1, 1, text);
    assert.ok(text.indexOf('err 3') < text.search(/exit code 1/), text);
    jobId = /posted job (\d+)/.exec(text)?.[1];
  });

  it('orange output prints a stored result in the same order', async () => {
    assert.ok(jobId, 'the run posted a job');
    const { code, text } = await runIntoOneFile(
      ['output', jobId, ...flags],
      env,
      project,
      join(home, 'output.txt'),
    );
    assert.equal(code, 1, text);
    assert.equal(programLines(text), PRINTED, text);
  });
});
