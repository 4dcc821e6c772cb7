import assert from 'node:assert/strict';
import { NETWORK_PRESETS, subgraphUrlFor } from './networks.js';

describe('network presets and their subgraph', () => {
  it('has a subgraph URL in every preset, empty where no subgraph is deployed', () => {
    for (const preset of Object.values(NETWORK_PRESETS)) {
      assert.equal(typeof preset.subgraphUrl, 'string', preset.name);
      if (preset.subgraphUrl) assert.match(preset.subgraphUrl, /^https?:\/\//, preset.name);
    }
    // Neither the devnet (no graph-node) nor base-sepolia (no market yet) has one today.
    assert.equal(subgraphUrlFor('devnet'), undefined);
    assert.equal(subgraphUrlFor('base-sepolia'), undefined);
  });

  it("takes a flag's or setting's URL over the preset's, and blank as none", () => {
    const url = 'https://example.org/subgraphs/name/orange-cloud';
    assert.equal(subgraphUrlFor('devnet', url), url);
    assert.equal(subgraphUrlFor('devnet', ` ${url} `), url);
    assert.equal(subgraphUrlFor('devnet', ''), undefined);
    assert.equal(subgraphUrlFor('devnet', '  '), undefined);
    assert.equal(subgraphUrlFor('no-such-network'), undefined);
  });
});
