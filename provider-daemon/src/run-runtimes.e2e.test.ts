import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packProject, runJob } from '@orange-cloud/sdk';
import { LocalNetwork, type TestRequester } from './testing/local-network.js';
import { compileWasi } from './testing/wasi-program.js';

/** Writes a project's files under a fresh folder. */
async function writeProject(root: string, files: Record<string, string | Uint8Array>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

// A Node.js project without npm dependencies: an ES module importing a sibling module, a
// CommonJS entry requiring one, both reading a project file and writing under out/.
const NODE_PROJECT: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'sums', version: '1.0.0', type: 'module' }),
  'main.js': [
    "import { readFileSync, writeFileSync } from 'node:fs';",
    "import { total } from './lib/total.js';",
    "const numbers = readFileSync('data/numbers.txt', 'utf8').trim().split('\\n').map(Number);",
    "writeFileSync('out/total.json', JSON.stringify({ total: total(numbers) }));",
    'console.log(`total ${total(numbers)} on ${process.version.split(".")[0]}`);',
    "console.error('to stderr');",
    '',
  ].join('\n'),
  'lib/total.js': 'export const total = (xs) => xs.reduce((a, b) => a + b, 0);\n',
  'data/numbers.txt': '1\n2\n3\n4\n',
  'tool.cjs': [
    "const { double } = require('./double.cjs');",
    "require('node:fs').writeFileSync(process.env.ORANGE_OUTPUT_DIR + '/double.txt', String(double(21)));",
    'console.log(double(21), process.cwd());',
    '',
  ].join('\n'),
  'double.cjs': 'exports.double = (x) => 2 * x;\n',
  // Prints, then crashes in a sibling module: the crash names files as the project has them.
  'crash.mjs': "import { check } from './lib/check.mjs';\nconsole.log('checking');\ncheck(-1);\n",
  'lib/check.mjs':
    'export function check(x) {\n  if (x < 0) throw new RangeError(`negative: ${x}`);\n}\n',
};

// A C program compiled in the test to wasm32-wasi: prints its argv and environment, reads a
// project file through the pre-opened job folder, writes under out/, and cannot open a file
// outside it.
const HELLO_C = `
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  char line[128] = {0};
  FILE *in = fopen("data/greeting.txt", "r");
  if (!in) { perror("data/greeting.txt"); return 3; }
  fgets(line, sizeof line, in);
  fclose(in);
  printf("%s (argc %d, out %s) read: %s", argv[0], argc, getenv("ORANGE_OUTPUT_DIR"), line);
  FILE *out = fopen("out/result.txt", "w");
  if (!out) { perror("out/result.txt"); return 4; }
  fprintf(out, "42\\n");
  fclose(out);
  printf("/etc/passwd %s\\n", fopen("/etc/passwd", "r") ? "opened" : "refused");
  fprintf(stderr, "done\\n");
  return 0;
}
`;

describe('end to end: Node.js and WASI runtimes on one provider', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let requester: TestRequester;
  let folder: string;

  before(async () => {
    net = await LocalNetwork.start();
    await net.addProvider({ runtimes: ['python3', 'node', 'wasi'] });
    requester = await net.addRequester();
    folder = await mkdtemp(join(tmpdir(), 'orange-e2e-runtimes-'));
    await writeProject(join(folder, 'node'), NODE_PROJECT);
    await writeProject(join(folder, 'wasi'), {
      'build/hello.wasm': await compileWasi(HELLO_C),
      'data/greeting.txt': 'hello from the project\n',
    });
  });

  after(async () => {
    await net?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  // `root` is the project (as `orange run --project`): a C project has no marker file to find.
  const run = async (root: string, entry: string, runtime?: string) => {
    const payload = await packProject({ entryFile: join(root, entry), root, ceiling: root });
    return runJob(requester, {
      fileName: entry,
      source: Buffer.from(payload.bytes),
      payload,
      ...(runtime ? { runtime } : {}),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 30,
    });
  };

  it('runs a .js ES module on node by its file type: sibling import, project file, out/', async () => {
    const outcome = await run(join(folder, 'node'), 'main.js');
    assert.equal(outcome.status, 'completed', outcome.stderr);
    assert.equal(outcome.stdout, 'total 10 on v18\n');
    assert.equal(outcome.stderr, 'to stderr\n');
    assert.deepEqual(
      outcome.result?.outputs?.files.map((f) => [f.path, f.bytes]),
      [['total.json', '{"total":10}'.length]],
    );
  });

  it('runs a .cjs entry requiring a sibling, from the job folder, ORANGE_OUTPUT_DIR set', async () => {
    const outcome = await run(join(folder, 'node'), 'tool.cjs');
    assert.equal(outcome.status, 'completed', outcome.stderr);
    assert.equal(outcome.stdout, '42 /tmp/job\n');
    assert.deepEqual(
      outcome.result?.outputs?.files.map((f) => f.path),
      ['double.txt'],
    );
  });

  it("reports a Node.js crash with the project's own paths, exit code 1, output kept", async () => {
    const outcome = await run(join(folder, 'node'), 'crash.mjs');
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.stdout, 'checking\n');
    assert.match(
      outcome.stderr,
      /^RangeError: negative: -1\n {4}at check \(lib\/check\.mjs:2:20\)\n {4}at crash\.mjs:3:1\n/,
    );
    assert.doesNotMatch(outcome.stderr, /\/tmp\/job/);
  });

  it('runs a C program compiled to wasm32-wasi: prints, reads its project file, writes out/', async () => {
    const outcome = await run(join(folder, 'wasi'), 'build/hello.wasm');
    assert.equal(outcome.status, 'completed', outcome.stderr);
    assert.equal(
      outcome.stdout,
      'build/hello.wasm (argc 1, out out) read: hello from the project\n/etc/passwd refused\n',
    );
    assert.equal(outcome.stderr, 'done\n');
    assert.deepEqual(
      outcome.result?.outputs?.files.map((f) => [f.path, f.bytes]),
      [['result.txt', 3]],
    );
  });
});
