import assert from 'node:assert/strict';
import { pack } from 'tar-stream';
import { INSTALL_SCRIPTS_ALLOWED, NODE_MODULES_ARCHIVE } from '@orange-cloud/sdk';
import { createDockerSandbox, DEFAULT_RUNTIME_IMAGE } from './docker-sandbox.js';
import type { RunSpec, SandboxFile } from './types.js';

/** A tar of package files, path -> content, as the requester packs a prepared tree. */
async function treeFile(files: Record<string, string>): Promise<SandboxFile> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const [name, content] of Object.entries(files))
    archive.entry({ name, mode: 0o644 }, content);
  archive.finalize();
  await done;
  return { path: NODE_MODULES_ARCHIVE, mode: 0o644, content: Buffer.concat(chunks) };
}

const allowance: SandboxFile = {
  path: INSTALL_SCRIPTS_ALLOWED,
  mode: 0o644,
  content: new Uint8Array(),
};

/**
 * A prepared npm tree installed inside the real hardened container (network none, read-only
 * root, non-root). The runtime here is the Python image, whose sh runs the scripts and whose
 * Python entry inspects what the step left: the step is the same for every runtime image, and
 * the Node.js runtime's own e2e runs a .js entry over it.
 */
describe('npm dependencies in the Docker sandbox (real engine)', function () {
  this.timeout(120_000);
  const sandbox = createDockerSandbox();
  let counter = 0;
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

  function spec(script: string, extra: SandboxFile[]): RunSpec {
    counter += 1;
    return {
      jobId: `npm-deps-test-${process.pid}-${counter}`,
      image: DEFAULT_RUNTIME_IMAGE,
      files: [
        { path: 'main.py', mode: 0o644, content: new TextEncoder().encode(script) },
        ...extra,
      ],
      entrypoint: 'main.py',
      cores: 1,
      memoryMb: 128,
      timeoutSec: 30,
      outputCapBytes: 1024 * 1024,
      outputsCapBytes: 1024 * 1024,
    };
  }

  const inspect = [
    'import os',
    'print(os.path.realpath("node_modules/shout/index.js"))',
    'print(open("node_modules/shout/index.js").read().strip())',
    'print(sorted(os.listdir(".")))',
    'print(sorted(os.listdir("node_modules/shout")))',
    '',
  ].join('\n');
  const shout = {
    'shout/package.json': JSON.stringify({
      name: 'shout',
      version: '1.0.0',
      scripts: {
        // Offline: the only network is none, so the probe records that it was refused.
        postinstall:
          'echo built > built.txt; python3 -c "import socket; socket.create_connection((\'198.51.100.1\', 80), 2)" 2>/dev/null && echo online > net.txt || echo offline > net.txt',
      },
    }),
    'shout/index.js': 'module.exports = (s) => s.toUpperCase();',
  };

  it('unpacks the tree into the exec-allowed deps folder and links it from the job, no script run', async () => {
    const outcome = await sandbox.run(spec(inspect, [await treeFile(shout)]));
    assert.equal(text(outcome.stderr), '');
    assert.equal(outcome.exitCode, 0);
    assert.equal(
      text(outcome.stdout),
      [
        '/orange-deps/node_modules/shout/index.js',
        'module.exports = (s) => s.toUpperCase();',
        "['main.py', 'node_modules', 'out']",
        "['index.js', 'package.json']",
        '',
      ].join('\n'),
    );
    assert.ok(Number.isInteger(outcome.installMs), `installMs ${outcome.installMs}`);
  });

  it('runs allowed install scripts in the container, offline, before the entry', async () => {
    const outcome = await sandbox.run(spec(inspect, [await treeFile(shout), allowance]));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.match(
      text(outcome.stdout),
      /\['built\.txt', 'index\.js', 'net\.txt', 'package\.json'\]/,
    );
    const net = await sandbox.run(
      spec('print(open("node_modules/shout/net.txt").read().strip())\n', [
        await treeFile(shout),
        allowance,
      ]),
    );
    assert.equal(text(net.stdout), 'offline\n');
  });

  it('ends whatever a script left running before the entry starts', async () => {
    const lingering = await treeFile({
      'linger/package.json': JSON.stringify({
        name: 'linger',
        version: '1.0.0',
        scripts: { postinstall: '(while :; do sleep 1; done) > /dev/null 2>&1 &' },
      }),
    });
    const outcome = await sandbox.run(
      spec(
        [
          'import os',
          'left = []',
          'for pid in filter(str.isdigit, os.listdir("/proc")):',
          '    try:',
          '        cmd = open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\\0", b" ").decode()',
          '    except OSError:',
          '        continue',
          '    if "sleep" in cmd or cmd.startswith("sh "):',
          '        left.append(cmd)',
          'print("left running:", left)',
          '',
        ].join('\n'),
        [lingering, allowance],
      ),
    );
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.equal(text(outcome.stdout), 'left running: []\n');
  });

  it('refuses a hostile tree (a member escaping upwards) before the entry, then serves an honest job', async () => {
    const hostile = await treeFile({ '../../escaped.js': 'x', 'ok/package.json': '{}' });
    const outcome = await sandbox.run(spec('print("entry ran")\n', [hostile]));
    assert.equal(outcome.exitCode, 1);
    assert.equal(text(outcome.stdout), '');
    assert.match(
      text(outcome.stderr),
      /installing the dependency node_modules failed: refusing member '\.\.\/\.\.\/escaped\.js'/,
    );
    const honest = await sandbox.run(spec(inspect, [await treeFile(shout)]));
    assert.equal(honest.exitCode, 0);
  });

  it('reports a failing script, does not run the entry, then serves an honest job', async () => {
    const broken = await treeFile({
      'broken/package.json': JSON.stringify({
        name: 'broken',
        version: '2.0.0',
        scripts: { install: 'exit 7' },
      }),
    });
    const outcome = await sandbox.run(spec('print("entry ran")\n', [broken, allowance]));
    assert.equal(outcome.exitCode, 1);
    assert.equal(text(outcome.stdout), '');
    assert.match(
      text(outcome.stderr),
      /installing the dependency broken@2\.0\.0 failed: its install script \(exit 7\) exited with code 7/,
    );
    const honest = await sandbox.run(spec(inspect, [await treeFile(shout)]));
    assert.equal(honest.exitCode, 0);
  });
});
