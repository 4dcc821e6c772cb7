import assert from 'node:assert/strict';
import { packScriptAlone, type PackedPayload } from '../project/pack-project.js';
import type { MarketIndex } from '../chain/market-index.js';
import { chooseJobRuntime, declaredIn } from './job-runtime.js';

const source = new TextEncoder().encode('import orange_greeting\nimport six\nprint(1)\n');

/** A market where one provider offers the named runtimes (no descriptors: the catalog's word). */
function marketOffering(...runtimes: string[]): Pick<MarketIndex, 'sync' | 'activeProviders'> {
  return {
    sync: async () => undefined,
    activeProviders: () =>
      [
        { address: '0x0000000000000000000000000000000000000001', runtimes },
      ] as unknown as ReturnType<MarketIndex['activeProviders']>,
  };
}

function withDependencies(payload: PackedPayload, requirements: string[], wheels: string[]) {
  return {
    ...payload,
    summary: {
      ...payload.summary,
      dependencies: {
        source: 'script metadata',
        requirements,
        wheels: wheels.map((path) => ({ path, bytes: 1000 })),
        cached: true,
      },
    },
  };
}

describe('the runtime a packed job needs', () => {
  it('counts what the payload declares and every wheel it carries as provided', () => {
    const payload = { summary: { files: 1, packedBytes: 1, sealedBytes: 1, largest: [] } };
    assert.deepEqual(declaredIn(payload), []);
    assert.deepEqual(
      declaredIn(
        withDependencies(
          payload as unknown as PackedPayload,
          ['Orange-Greeting>=1.0', 'six; python_version >= "3"'],
          ['orange_greeting-1.0-py3-none-any.whl', 'six-1.16.0-py2.py3-none-any.whl'],
        ),
      ),
      ['orange-greeting', 'six', 'orange_greeting'],
    );
  });

  it('does not refuse an import that a declared dependency brings', async () => {
    const bare = await packScriptAlone('/tmp/main.py', source);
    await assert.rejects(
      chooseJobRuntime({ index: marketOffering('python3') as MarketIndex }, {}, bare),
      { code: 'IMPORTS_MISSING', message: /orange_greeting/ },
    );
    const packed = withDependencies(
      bare,
      ['orange_greeting'],
      ['orange_greeting-1.0-py3-none-any.whl', 'six-1.16.0-py2.py3-none-any.whl'],
    );
    const choice = await chooseJobRuntime(
      { index: marketOffering('python3') as MarketIndex },
      {},
      packed,
    );
    assert.equal(choice.runtime, 'python3');
    assert.deepEqual([...choice.declared].sort(), ['orange_greeting', 'six']);
  });

  it('sends a job to a runtime holding what its payload leaves to the runtime', async () => {
    const bare = await packScriptAlone('/tmp/main.py', new TextEncoder().encode('print(1)\n'));
    const declared = withDependencies(bare, ['numpy>=1.20'], []);
    const fromRuntime = [{ requirement: 'numpy>=1.20', runtime: 'python-data' }];
    const packed = {
      ...declared,
      summary: {
        ...declared.summary,
        dependencies: { ...declared.summary.dependencies, fromRuntime },
      },
    };
    const market = marketOffering('python3', 'python-data') as MarketIndex;
    const choice = await chooseJobRuntime({ index: market }, {}, packed);
    assert.equal(choice.runtime, 'python-data');
    await assert.rejects(
      chooseJobRuntime({ index: marketOffering('python3') as MarketIndex }, {}, packed),
      { code: 'DEPENDENCY_NOT_IN_RUNTIME', message: /numpy>=1\.20.*python-data has it/ },
    );
  });
});
