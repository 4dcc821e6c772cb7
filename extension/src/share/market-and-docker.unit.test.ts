import * as assert from 'node:assert/strict';
import { dockerSocket, runtimesPresent } from './docker-probe.js';
import { marketRangeText } from './market-range.js';

const terms = { symbol: 'OTTx', decimals: 18 };
const provider = (address: string, price: bigint, active = true) => ({
  address,
  pricePerCoreSecond: price,
  active,
});

describe('market range and Docker probe', () => {
  it("states the active providers' price range, leaving out this machine's own", () => {
    assert.equal(
      marketRangeText(
        [
          provider('0xA', 3_000_000_000_000n),
          provider('0xB', 1_000_000_000_000n),
          provider('0xC', 9n, false),
          provider('0xme', 1n),
        ],
        terms,
        '0xME',
      ),
      'active providers ask 0.000001–0.000003 OTTx/s per core (2 providers)',
    );
    assert.equal(
      marketRangeText([provider('0xA', 1_000_000_000_000n)], terms),
      'active providers ask 0.000001 OTTx/s per core (1 provider)',
    );
    assert.equal(marketRangeText([], terms), 'no other provider is active on this market yet');
  });

  it('offers the runtimes whose images Docker lists', () => {
    assert.deepEqual(runtimesPresent(['orange-cloud/python:3', 'debian:12']), ['python3']);
    assert.deepEqual(runtimesPresent(['orange-cloud/python-data:3', 'orange-cloud/python:3']), [
      'python3',
      'python-data',
    ]);
    assert.deepEqual(runtimesPresent([]), []);
  });

  it("finds Docker's socket from DOCKER_HOST when it is a unix socket", () => {
    assert.equal(dockerSocket({}), '/var/run/docker.sock');
    assert.equal(
      dockerSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }),
      '/run/user/1000/docker.sock',
    );
    assert.equal(dockerSocket({ DOCKER_HOST: 'tcp://1.2.3.4:2375' }), '/var/run/docker.sock');
  });
});
