import assert from 'node:assert/strict';
import { buildProgram } from './main.js';

/** The options one command gets from a command line, its action replaced by a recorder. */
async function parsed(args: string[]): Promise<{ args: unknown[]; opts: Record<string, unknown> }> {
  const program = buildProgram().exitOverride();
  const command = program.commands.find((c) => c.name() === args[0])!;
  let got: { args: unknown[]; opts: Record<string, unknown> } | undefined;
  const quiet = { writeErr: () => {}, writeOut: () => {} };
  program.configureOutput(quiet);
  command.configureOutput(quiet);
  command.exitOverride().action((...received: unknown[]) => {
    // commander passes the arguments, then the options, then the command itself
    got = { args: received.slice(0, -2), opts: received.at(-2) as Record<string, unknown> };
  });
  await program.parseAsync(args, { from: 'user' });
  return got!;
}

describe('the command line', () => {
  it('orange run --detach asks the run to return once the job is hired', async () => {
    const detached = await parsed(['run', 'main.py', '--detach', '--json']);
    assert.deepEqual(detached.args, ['main.py']);
    assert.equal(detached.opts.detach, true);
    assert.equal(detached.opts.json, true);
    assert.equal((await parsed(['run', 'main.py'])).opts.detach, undefined);
  });

  it('orange run waits 120 s for a busy provider unless --wait says otherwise', async () => {
    assert.equal((await parsed(['run', 'main.py'])).opts.wait, 120);
    assert.equal((await parsed(['run', 'main.py', '--wait', '0'])).opts.wait, 0);
    await assert.rejects(
      parsed(['run', 'main.py', '--wait', '-1']),
      /must be a whole number of seconds/,
    );
  });

  it('orange providers --for FILE takes the run flags the preview quotes for', async () => {
    const { opts } = await parsed([
      'providers',
      '--for',
      'main.py',
      '--cpus',
      '2',
      '--memory',
      '1024',
      '--timeout',
      '90',
      '--max-price',
      '5',
      '--no-project',
    ]);
    assert.deepEqual(
      {
        for: opts.for,
        cpus: opts.cpus,
        memory: opts.memory,
        timeout: opts.timeout,
        maxPrice: opts.maxPrice,
        project: opts.project,
      },
      { for: 'main.py', cpus: 2, memory: 1024, timeout: 90, maxPrice: 5n, project: false },
    );
  });

  it('orange providers alone lists the registry, with the same defaults as orange run', async () => {
    const { opts } = await parsed(['providers']);
    assert.equal(opts.for, undefined);
    assert.deepEqual([opts.cpus, opts.memory, opts.timeout, opts.out], [1, 512, 60, 'orange-out']);
  });

  it('refuses a --cpus that is no positive whole number', async () => {
    await assert.rejects(parsed(['providers', '--for', 'main.py', '--cpus', '0']), {
      code: 'commander.invalidArgument',
    });
  });

  it('orange jobs and orange providers take the history source, subgraph URL and lag', async () => {
    for (const command of ['jobs', 'providers']) {
      const { opts } = await parsed([
        command,
        '--source',
        'subgraph',
        '--subgraph-url',
        'http://127.0.0.1:8000/subgraphs/name/orange-cloud',
        '--max-lag',
        '5',
      ]);
      assert.deepEqual(
        [opts.source, opts.subgraphUrl, opts.maxLag],
        ['subgraph', 'http://127.0.0.1:8000/subgraphs/name/orange-cloud', 5n],
      );
      const defaults = (await parsed([command])).opts;
      assert.deepEqual([defaults.source, defaults.maxLag], [undefined, undefined]);
    }
  });

  it('refuses a --source other than chain or subgraph, and a --max-lag that is no block count', async () => {
    await assert.rejects(parsed(['jobs', '--source', 'ipfs']), {
      code: 'commander.invalidArgument',
    });
    await assert.rejects(parsed(['jobs', '--max-lag', '-1']), {
      code: 'commander.invalidArgument',
    });
  });
});
