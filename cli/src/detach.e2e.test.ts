import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDED_OVER, homePaths, writeKeystore } from '@orange-cloud/sdk';
import {
  startAuthorizedRequester,
  type AuthorizedRequester,
} from './testing/authorized-requester.js';
import { runCli } from './testing/run-cli.js';

/** Waits a little, then writes a file and prints: it runs after the posting process is gone. */
const LATER = `import pathlib, time
time.sleep(2)
pathlib.Path("out").mkdir(exist_ok=True)
pathlib.Path("out/later.txt").write_text("written later\\n")
print("ran without its requester")
`;

describe('orange run --detach, then orange output from another process', function () {
  this.timeout(180_000);
  let requester: AuthorizedRequester;
  let home: string;
  /** The same wallet in another home: `orange output` has its own IPFS node and repository. */
  let otherHome: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];

  before(async () => {
    requester = await startAuthorizedRequester('detach');
    ({ home, env, flags } = requester);
    otherHome = await mkdtemp(join(tmpdir(), 'orange-cli-detach-other-'));
    project = await mkdtemp(join(tmpdir(), 'orange-cli-detach-project-'));
    await writeFile(join(project, 'later.py'), LATER);
    await writeKeystore(homePaths(otherHome).wallet, { mnemonic: requester.mnemonic }, '');
  });

  after(async () => {
    await requester?.stop();
    for (const dir of [otherHome, project])
      if (dir) await rm(dir, { recursive: true, force: true });
  });

  const orange = (args: string[], inHome = home) =>
    runCli([...args, ...flags], { ...env, ORANGE_HOME: inHome }, 150_000, project);

  it('--json prints only {jobId} and exits; the job runs and `orange output` fetches it', async () => {
    const posted = await orange(['run', 'later.py', '--detach', '--json']);
    assert.equal(posted.code, 0, posted.stderr);
    const printed = JSON.parse(posted.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(printed), ['jobId']);
    const jobId = String(printed.jobId);
    assert.match(jobId, /^\d+$/);

    // The posting process and its IPFS node are gone: the provider runs what it was handed.
    const output = await orange(['output', jobId, '--out', 'fetched'], otherHome);
    assert.equal(output.code, 0, output.stderr);
    assert.equal(output.stdout, 'ran without its requester\n');
    assert.equal(
      await readFile(join(project, 'fetched', jobId, 'later.txt'), 'utf8'),
      'written later\n',
    );
  });

  it('in a terminal, says the provider holds the sealed project and how to fetch the output', async () => {
    const posted = await orange(['run', 'later.py', '--detach']);
    assert.equal(posted.code, 0, posted.stderr);
    const jobId = posted.stdout.trim();
    assert.match(jobId, /^\d+$/);
    assert.ok(posted.stderr.includes(HANDED_OVER), posted.stderr);
    assert.doesNotMatch(posted.stderr, /did not take the sealed project/);
    assert.ok(posted.stderr.includes(`npx orange output ${jobId}`), posted.stderr);
  });
});
