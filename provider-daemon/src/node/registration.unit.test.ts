import assert from 'node:assert/strict';
import type { ProviderView } from '@orange-cloud/sdk';
import { registerOffer, type RegistrationInit } from './registration.js';
import { FakeEvents, FakeMarket, MemoryStore, PROVIDER, recordingLogger } from './test-fakes.js';

const init: RegistrationInit = {
  policy: {
    cores: 2,
    memoryMb: 1024,
    pricePerCoreSecond: 5n,
    runtimes: ['python3'],
    allowRequesters: [],
    denyRequesters: [],
  },
  endpoint: 'http://127.0.0.1:7000',
};

function registration() {
  const market = new FakeMarket();
  const events = new FakeEvents();
  const store = new MemoryStore();
  return { market, events, store, log: recordingLogger() };
}

/** What the market shows after registering `init`. */
function registered(changes: Partial<ProviderView> = {}): ProviderView {
  return {
    address: PROVIDER,
    cores: 2,
    memoryMb: 1024,
    pricePerCoreSecond: 5n,
    runtimes: ['python3'],
    endpoint: 'http://127.0.0.1:7000',
    ipfsPeers: ['/ip4/127.0.0.1/tcp/4011'],
    active: true,
    ...changes,
  };
}

describe('registration', () => {
  it("sends each runtime's descriptor and re-registers only when one changes", async () => {
    const python3 = {
      name: 'python3',
      python: '3.11.2',
      platform: 'linux-x86_64',
      packages: [{ name: 'pip', version: '23.0.1', imports: ['pip'] }],
    };
    const c = registration();
    const withFacts = { ...init, runtimeDescriptors: [python3] };
    assert.equal(await registerOffer(c, withFacts), true);
    assert.deepEqual(c.market.argsOf('registerProvider')[0]![0].runtimeDescriptors, [python3]);
    c.events.providers.set(PROVIDER, registered({ runtimeDescriptors: [python3] }));
    assert.equal(await registerOffer(c, withFacts), false);
    const upgraded = { ...python3, packages: [{ name: 'pip', version: '24.0', imports: ['pip'] }] };
    assert.equal(await registerOffer(c, { ...init, runtimeDescriptors: [upgraded] }), true);
  });

  it('registers the offer when the market has none, after reading the market', async () => {
    const c = registration();
    assert.equal(await registerOffer(c, init), true);
    assert.equal(c.events.counts.sync, 1);
    assert.deepEqual(c.market.argsOf('registerProvider'), [
      [
        {
          cores: 2,
          memoryMb: 1024,
          pricePerCoreSecond: 5n,
          runtimes: ['python3'],
          endpoint: 'http://127.0.0.1:7000',
          ipfsPeers: ['/ip4/127.0.0.1/tcp/4011'],
        },
      ],
    ]);
  });

  it('sends nothing when the market holds the same offer', async () => {
    const c = registration();
    c.events.providers.set(PROVIDER, registered());
    assert.equal(await registerOffer(c, init), false);
    assert.deepEqual(c.market.calls, []);
  });

  for (const [what, changes] of [
    ['the price changed', { pricePerCoreSecond: 4n }],
    ['the cores changed', { cores: 1 }],
    ['the runtimes changed', { runtimes: ['python3', 'node22'] }],
    [
      "a runtime's packages changed",
      {
        runtimeDescriptors: [
          {
            name: 'python3',
            python: '3.11.2',
            packages: [{ name: 'pip', version: '23.0.1', imports: ['pip'] }],
          },
        ],
      },
    ],
    ['its runtimes string was unreadable', { runtimes: [], runtimeDescriptors: [] }],
    ['the endpoint changed', { endpoint: '' }],
    ['the IPFS addresses changed', { ipfsPeers: [] }],
    ['it was deactivated', { active: false }],
  ] as const) {
    it(`re-registers when ${what}`, async () => {
      const c = registration();
      c.events.providers.set(PROVIDER, registered(changes as Partial<ProviderView>));
      assert.equal(await registerOffer(c, init), true);
      assert.equal(c.market.argsOf('registerProvider').length, 1);
    });
  }
});
