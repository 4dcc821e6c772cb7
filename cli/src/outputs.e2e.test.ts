import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startAuthorizedRequester,
  type AuthorizedRequester,
} from './testing/authorized-requester.js';
import { runCli } from './testing/run-cli.js';

/** A job that writes a text file and a binary file in a subfolder under out/. */
const WRITES = `import os, pathlib
out = pathlib.Path(os.environ.get("ORANGE_OUTPUT_DIR", "out"))
(out / "plots").mkdir(parents=True, exist_ok=True)
(out / "summary.json").write_text('{"n": 3, "total": 6}\\n')
(out / "plots" / "data.bin").write_bytes(bytes(range(256)) * 8)
print("wrote 2 files")
`;
const SUMMARY = Buffer.from('{"n": 3, "total": 6}\n');
const DATA = Buffer.from(Array.from({ length: 2048 }, (_, i) => i % 256));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const EXPECTED = [
  { path: 'plots/data.bin', bytes: DATA.length, sha256: sha256(DATA) },
  { path: 'summary.json', bytes: SUMMARY.length, sha256: sha256(SUMMARY) },
];
const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);

/** Needs the provider's side of returned files (the daemon collecting and sealing out/). */
describe('returned files through the orange CLI', function () {
  this.timeout(180_000);
  let requester: AuthorizedRequester;
  let home: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];
  let firstJob: string;

  before(async () => {
    requester = await startAuthorizedRequester('outputs');
    ({ home, env, flags } = requester);
    // The project is the working directory: ./orange-out/ lands inside it and must never go.
    project = await mkdtemp(join(tmpdir(), 'orange-cli-outputs-project-'));
    await writeFile(join(project, 'writes.py'), WRITES);
  });

  after(async () => {
    await requester?.stop();
    for (const dir of [project]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  const orange = (args: string[]) => runCli([...args, ...flags], env, 120_000, project);

  it('orange run --json saves out/ files to ./orange-out/<jobId>/ and names them', async () => {
    const r = await orange(['run', 'writes.py', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    firstJob = out.jobId;
    assert.equal(out.stdout, 'wrote 2 files\n');
    assert.deepEqual([...out.outputs].sort(byPath), EXPECTED);
    assert.equal(out.outputsDir, join(project, 'orange-out', firstJob));
    assert.deepEqual(out.outputsSkipped, []);
    assert.equal(out.outputsTruncated, false);
    assert.equal(out.outputsPartial, false);
    assert.equal(out.outputsError, null);
    assert.deepEqual(await readFile(join(out.outputsDir, 'summary.json')), SUMMARY);
    assert.deepEqual(await readFile(join(out.outputsDir, 'plots', 'data.bin')), DATA);
  });

  it('orange run --out DIR saves there and lists path and size after the output; orange-out/ is not sent', async () => {
    const r = await orange(['run', 'writes.py', '--out', 'results']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'wrote 2 files\n');
    // ./orange-out/ from the run before sits in the project folder; only the script goes.
    assert.match(r.stderr, /› sending 1 file, /);
    const jobId = /› posted job (\d+)/.exec(r.stderr)![1]!;
    assert.match(
      r.stderr,
      new RegExp(
        `› 2 files returned, saved in results/${jobId}/\\n(›   (summary\\.json    21 B|plots/data\\.bin  2\\.0 KiB)\\n){2}[^]*› completed in`,
      ),
    );
    assert.deepEqual(await readFile(join(project, 'results', jobId, 'summary.json')), SUMMARY);
  });

  it('orange output JOBID fetches the files again, into a fresh folder beside the first', async () => {
    const r = await orange(['output', firstJob]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'wrote 2 files\n');
    assert.match(r.stderr, new RegExp(`› 2 files returned, saved in orange-out/${firstJob}-2/`));
    const again = join(project, 'orange-out', `${firstJob}-2`);
    assert.deepEqual(await readFile(join(again, 'plots', 'data.bin')), DATA);
    // The first copy is untouched.
    assert.deepEqual((await readdir(join(project, 'orange-out', firstJob))).sort(), [
      'plots',
      'summary.json',
    ]);
    const elsewhere = await orange(['output', firstJob, '--out', join(home, 'fetched')]);
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.deepEqual(await readFile(join(home, 'fetched', firstJob, 'summary.json')), SUMMARY);
  });

  it('names the entries that did not come back (a link, a FIFO) and saves the rest', async () => {
    await writeFile(
      join(project, 'odd.py'),
      `import os
os.makedirs("out", exist_ok=True)
open("out/ok.txt", "w").write("ok\\n")
os.symlink("/etc/passwd", "out/passwd")
os.mkfifo("out/pipe")
`,
    );
    const r = await orange(['run', 'odd.py', '--out', 'results', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    // writes.py and odd.py: neither ./orange-out/ nor the --out folder (results/) goes along.
    assert.equal(out.project.files, 2);
    assert.deepEqual(
      out.outputs.map((f: { path: string }) => f.path),
      ['ok.txt'],
    );
    assert.deepEqual(out.outputsSkipped.map((s: { path: string }) => s.path).sort(), [
      'passwd',
      'pipe',
    ]);
    for (const skipped of out.outputsSkipped) assert.ok(skipped.reason.length > 0);
    assert.equal(await readFile(join(out.outputsDir, 'ok.txt'), 'utf8'), 'ok\n');
    const text = await orange(['output', out.jobId]);
    assert.match(text.stderr, /› not returned: passwd \(.+\)/);
    assert.match(text.stderr, /› not returned: pipe \(.+\)/);
  });

  it('marks the files of a job killed at its timeout partial, and still saves them', async () => {
    await writeFile(
      join(project, 'slow.py'),
      `import os, time
os.makedirs("out", exist_ok=True)
open("out/progress.txt", "w").write("step 1\\n")
time.sleep(60)
`,
    );
    const r = await orange(['run', 'slow.py', '--timeout', '3', '--json']);
    const out = JSON.parse(r.stdout);
    assert.equal(out.timedOut, true);
    assert.equal(out.outputsPartial, true);
    assert.deepEqual(
      out.outputs.map((f: { path: string }) => f.path),
      ['progress.txt'],
    );
    assert.equal(await readFile(join(out.outputsDir, 'progress.txt'), 'utf8'), 'step 1\n');
    const text = await orange(['output', out.jobId]);
    assert.match(
      text.stderr,
      /› the job did not end on its own: the returned files may be incomplete/,
    );
  });
});
