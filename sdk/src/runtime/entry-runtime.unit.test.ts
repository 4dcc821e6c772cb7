import assert from 'node:assert/strict';
import { checkScript, isEntrypointPath } from '../job/payload.js';
import { tinyWasm } from '../testing/tiny-wasm.js';
import {
  checkEntryRuntime,
  chooseEntryRuntime,
  choosesByImports,
  runtimeOptionsFor,
} from './entry-runtime.js';
import {
  ENTRY_EXTENSIONS,
  entryCommand,
  runtimesForEntry,
  RUNTIME_CATALOG,
  runtimesThatMayHold,
} from './runtime-catalog.js';

const names = (rs: readonly { name: string }[]) => rs.map((r) => r.name);
const offered = (...runtimes: string[]) => runtimes.map((name) => ({ name, packages: [] }));

describe('runtime catalog: entries by file type', () => {
  it('holds python3, python-data, node and wasi, each with an image, extensions and a dependency kind', () => {
    assert.deepEqual(names(RUNTIME_CATALOG), ['python3', 'python-data', 'node', 'wasi']);
    for (const r of RUNTIME_CATALOG) {
      assert.match(r.image, /^orange-cloud\//);
      assert.ok(r.extensions.length > 0);
      assert.ok(['python-wheels', 'npm', 'none'].includes(r.dependencies));
    }
    assert.deepEqual(ENTRY_EXTENSIONS, ['.py', '.js', '.mjs', '.cjs', '.wasm']);
    // only runtimes that take wheels stand for declared Python requirements
    assert.deepEqual(names(runtimesThatMayHold()), ['python3', 'python-data']);
    assert.deepEqual(names(runtimesThatMayHold('node')), []);
  });

  it('finds the runtimes for an entry by its ending, the default first', () => {
    assert.deepEqual(names(runtimesForEntry('src/main.py')), ['python3', 'python-data']);
    for (const entry of ['main.js', 'a/b.mjs', 'tool.cjs'])
      assert.deepEqual(names(runtimesForEntry(entry)), ['node']);
    assert.deepEqual(names(runtimesForEntry('hello.wasm')), ['wasi']);
    assert.deepEqual(names(runtimesForEntry('notes.txt')), []);
    assert.deepEqual(names(runtimesForEntry('Makefile')), []);
    assert.equal(choosesByImports('main.py'), true);
    assert.equal(choosesByImports('main.js'), false);
  });

  it('puts the entry into the command line: node runs it, wasi through the runner, Python none', () => {
    assert.deepEqual(entryCommand('node', 'src/main.mjs'), [
      'node',
      '--require',
      '/usr/lib/orange-cloud/project-relative-errors.cjs',
      'src/main.mjs',
    ]);
    const wasi = entryCommand('wasi', 'hello.wasm');
    assert.equal(wasi[0], 'node');
    assert.equal(wasi.at(-1), 'hello.wasm');
    assert.ok(wasi.includes('/usr/lib/orange-cloud/wasi-run.mjs'));
    assert.deepEqual(entryCommand('python3', 'main.py'), []);
    assert.deepEqual(entryCommand('not-in-catalog', 'main.py'), []);
  });

  it('accepts entry paths of every runtime, and still refuses other names', () => {
    for (const ok of ['main.py', 'src/app.js', 'x.mjs', 'y.cjs', 'build/hello.wasm'])
      assert.equal(isEntrypointPath(ok), true, ok);
    for (const bad of ['main.txt', '.js', '-x.js', 'a/../b.js', 'main', 'wasm', 'MAIN.PY'])
      assert.equal(isEntrypointPath(bad), false, bad);
  });
});

describe('runtime for an entry that is not Python', () => {
  it("picks the file type's runtime when a provider offers it", () => {
    const choice = chooseEntryRuntime({
      entrypoint: 'main.mjs',
      advertised: offered('python3', 'node'),
    });
    assert.equal(choice.runtime, 'node');
    assert.equal(choice.reason, 'it runs .mjs files');
  });

  it('refuses a runtime no provider offers, naming what is offered', () => {
    assert.throws(
      () =>
        chooseEntryRuntime({ entrypoint: 'hello.wasm', advertised: offered('python3', 'node') }),
      (e: Error & { code?: string; hint?: string }) =>
        e.code === 'RUNTIME_NOT_OFFERED' &&
        /No provider on this network offers the wasi runtime right now \(offered: python3, node\)/.test(
          e.message,
        ) &&
        /Nothing was posted/.test(e.hint ?? ''),
    );
  });

  it('refuses a runtime asked for that does not run the file', () => {
    assert.throws(
      () =>
        chooseEntryRuntime({
          entrypoint: 'main.js',
          explicit: 'python3',
          advertised: offered('python3', 'node'),
        }),
      (e: Error & { code?: string; hint?: string }) =>
        e.code === 'RUNTIME_UNSUPPORTED' &&
        e.message === 'The python3 runtime runs .py files, not main.js.' &&
        /Run it on node/.test(e.hint ?? ''),
    );
    assert.throws(
      () => checkEntryRuntime('node', 'main.py'),
      /runs \.js, \.mjs, \.cjs files, not main\.py/,
    );
    checkEntryRuntime('some-other-runtime', 'main.py');
  });
});

describe('a .wasm entry is checked on the requester', () => {
  const check = (bytes: Uint8Array) => () => checkScript({ fileName: 'hello.wasm', bytes });
  const refused = (why: RegExp) => (e: Error & { code?: string }) =>
    e.code === 'NOT_WASI_MODULE' &&
    /^hello\.wasm is not a WASI module: /.test(e.message) &&
    why.test(e.message);

  it('accepts a WASI preview-1 command', () => {
    check(tinyWasm())();
  });

  it('refuses text, a module that imports from elsewhere, a library and a module without memory', () => {
    assert.throws(check(Buffer.from('print("hi")\n')), refused(/magic bytes/));
    assert.throws(check(tinyWasm().subarray(0, 20)), refused(/does not compile/));
    assert.throws(check(tinyWasm({ importModule: 'env' })), refused(/imports from env/));
    assert.throws(check(tinyWasm({ exports: ['memory'] })), refused(/no _start/));
    assert.throws(check(tinyWasm({ exports: ['_start'] })), refused(/no memory/));
  });
});

describe('runtime options for Run with Options', () => {
  it('offers the file type runtimes that providers advertise, in catalog order', () => {
    const market = offered('python-data', 'node', 'python3', 'node');
    assert.deepEqual(
      runtimeOptionsFor('main.py', market).map((o) => o.name),
      ['python3', 'python-data'],
    );
    assert.deepEqual(runtimeOptionsFor('main.js', market), [
      { name: 'node', description: 'Node.js 18' },
    ]);
    assert.deepEqual(runtimeOptionsFor('hello.wasm', market), []);
  });
});
