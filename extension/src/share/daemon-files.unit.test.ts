import * as assert from 'node:assert/strict';
import { daemonConfig, daemonPaths } from './daemon-files.js';
import { systemdUnit } from './systemd-unit.js';

/** 0.000001 OTTx per core-second, in wei: what the daemon's config holds. */
const PRICE_WEI = '1000000000000';

const connection = {
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:8545',
  marketAddress: `0x${'aa'.repeat(20)}` as const,
  deployBlock: 7n,
  pollingIntervalMs: 500,
};
const choices = {
  cores: 1,
  memoryMb: 512,
  pricePerCoreSecond: PRICE_WEI,
  runtimes: [],
  allowRequesters: [],
  denyRequesters: [`0x${'bb'.repeat(20)}`],
  keepRunning: false,
};

describe('daemon files', () => {
  const paths = daemonPaths('/g');

  it('keeps everything under the extension storage', () => {
    assert.deepEqual(paths, {
      dir: '/g/share',
      keystore: '/g/share/provider-key.json',
      config: '/g/share/provider.json',
      stateDir: '/g/share/state',
      adminFile: '/g/share/state/admin.json',
      ipfsDir: '/g/share/ipfs',
      log: '/g/share/provider.log',
      envFile: '/g/share/provider.env',
    });
  });

  it("writes the daemon's config format, offering every present runtime when none is named", () => {
    const config = daemonConfig(connection, choices, paths, { ipfs: 4100, live: 4200 });
    assert.deepEqual(config, {
      network: { ...connection, deployBlock: '7' },
      keystore: '/g/share/provider-key.json',
      passphraseEnv: 'ORANGE_PROVIDER_PASSPHRASE',
      offer: { cores: 1, memoryMb: 512, pricePerCoreSecond: PRICE_WEI },
      policy: { allowRequesters: [], denyRequesters: choices.denyRequesters },
      ipfs: { mode: 'embedded', directory: '/g/share/ipfs', listen: ['/ip4/127.0.0.1/tcp/4100'] },
      live: { host: '127.0.0.1', port: 4200 },
      stateDir: '/g/share/state',
    });
    const named = daemonConfig(connection, { ...choices, runtimes: ['python3'] }, paths, {
      ipfs: 1,
      live: 2,
    });
    assert.deepEqual((named.offer as { runtimes: string[] }).runtimes, ['python3']);
  });

  it('writes a systemd user unit that reads the passphrase from its environment file', () => {
    const unit = systemdUnit(
      {
        command: '/usr/bin/node',
        args: ['--no-opt', '/ext dir/provider-daemon.cjs', '--config', paths.config],
        env: { ELECTRON_RUN_AS_NODE: '1' },
        node: 'Node 22',
      },
      paths,
    );
    assert.match(
      unit,
      /^ExecStart="\/usr\/bin\/node" "--no-opt" "\/ext dir\/provider-daemon\.cjs" "--config" "\/g\/share\/provider\.json"$/m,
    );
    assert.match(unit, /^EnvironmentFile=\/g\/share\/provider\.env$/m);
    assert.match(unit, /^Environment=ELECTRON_RUN_AS_NODE=1$/m);
    assert.match(unit, /^WantedBy=default\.target$/m);
    assert.doesNotMatch(unit, /PASSPHRASE/);
  });
});
