import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { homePaths, writeKeystore } from '@orange-cloud/sdk';
import {
  startAuthorizedRequester,
  type AuthorizedRequester,
} from './testing/authorized-requester.js';
import { runCli } from './testing/run-cli.js';

/** Runs long enough (30 s) to be asked for while it runs, then writes a file and prints. */
const SLOW = `import pathlib, time
time.sleep(30)
pathlib.Path("out").mkdir(exist_ok=True)
pathlib.Path("out/done.txt").write_text("done\\n")
print("slept")
`;

describe('orange output JOBID waits for a job that is still running', function () {
  this.timeout(180_000);
  let requester: AuthorizedRequester;
  /** The same wallet in another home: `orange output` runs beside the posting process. */
  let otherHome: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];

  before(async () => {
    requester = await startAuthorizedRequester('wait');
    ({ env, flags } = requester);
    project = await mkdtemp(join(tmpdir(), 'orange-cli-wait-project-'));
    await writeFile(join(project, 'slow.py'), SLOW);
    otherHome = await mkdtemp(join(tmpdir(), 'orange-cli-wait-other-'));
    await writeKeystore(homePaths(otherHome).wallet, { mnemonic: requester.mnemonic }, '');
  });

  after(async () => {
    await requester?.stop();
    for (const dir of [otherHome, project])
      if (dir) await rm(dir, { recursive: true, force: true });
  });

  const orange = (args: string[], home?: string) =>
    runCli([...args, ...flags], home ? { ...env, ORANGE_HOME: home } : env, 150_000, project);

  it('says what it waits for, then prints the result and saves the returned files', async () => {
    // The run that posts it goes on in its own process; output is asked while the job runs.
    const posting = orange(['run', 'slow.py', '--json']);
    let jobId: string | undefined;
    for (;;) {
      const listed = await orange(['jobs', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      const job = (JSON.parse(listed.stdout) as { jobId: string; status: string }[])[0];
      if (job && ['accepted', 'running'].includes(job.status)) {
        jobId = job.jobId;
        break;
      }
      assert.ok(
        !job || job.status === 'posted',
        `the job ended before output was asked: ${job?.status}`,
      );
    }

    // Its own home: two processes never share one embedded IPFS repository.
    const output = await orange(['output', jobId, '--out', 'fetched'], otherHome);
    assert.equal(output.code, 0, output.stderr);
    assert.equal(output.stdout, 'slept\n');
    assert.match(
      output.stderr,
      new RegExp(`job ${jobId} is (accepted|running)[^\\n]*; waiting for it to end`),
    );
    assert.equal(await readFile(join(project, 'fetched', jobId, 'done.txt'), 'utf8'), 'done\n');

    const posted = await posting;
    assert.equal(posted.code, 0, posted.stderr);
    assert.equal(JSON.parse(posted.stdout).jobId, jobId);
  });

  it('refuses a job the market does not have', async () => {
    const r = await orange(['output', '999']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /There is no job 999 on this market/);
  });
});
