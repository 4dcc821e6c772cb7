import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hex } from 'viem';
import {
  MarketClient,
  ZERO_ADDRESS,
  encodeQuoteDecline,
  encodeSignedOffer,
  generateMnemonic,
  homePaths,
  parseQuoteRequest,
  signOffer,
  writeKeystore,
  type Wallet,
} from '@orange-cloud/sdk';
import { freePort } from '@orange-cloud/sdk/devnet';
import { LocalNetwork } from '@orange-cloud/provider-daemon/testing';
import { runCli } from './testing/run-cli.js';

type Behaviour = { offer: bigint } | { decline: string } | 'silent';

/**
 * `orange providers --for FILE` against a real chain and market, with providers registered on it
 * whose endpoints are real HTTP servers in this process: they sign offers with the provider's own
 * key (as the daemon's quote desk does), decline, or never answer.
 */
describe('orange providers --for FILE: the match preview', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];
  let script: string;
  const servers: Server[] = [];
  const named: Record<string, Wallet> = {};

  /** Registers a provider whose endpoint behaves as told (or is a closed port). */
  async function provider(
    name: string,
    behaviour: Behaviour | 'closed',
    advert: { cores?: number; price?: bigint } = {},
  ) {
    const wallet = await net.fundedWallet();
    named[name] = wallet;
    let endpoint: string;
    if (behaviour === 'closed') endpoint = `http://127.0.0.1:${await freePort()}`;
    else {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (behaviour === 'silent') return;
          const asked = parseQuoteRequest(Buffer.concat(chunks));
          if ('decline' in behaviour) {
            res.writeHead(409, { 'content-type': 'application/json' });
            res.end(encodeQuoteDecline({ code: 'CAPACITY', message: behaviour.decline }));
            return;
          }
          void signOffer(
            wallet.account,
            { chainId: asked.chainId, market: asked.market },
            {
              provider: wallet.account.address,
              requester: asked.requester ?? ZERO_ADDRESS,
              runtime: asked.runtime,
              cores: asked.cores,
              memoryMb: asked.memoryMb,
              maxTimeoutSec: 3600,
              pricePerCoreSecond: behaviour.offer,
              jobPublicKey: `0x02${'ab'.repeat(32)}` as Hex,
              expiresAt: BigInt(Math.floor(Date.now() / 1000) + 60),
              nonce: 1n,
            },
          ).then((signed) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(encodeSignedOffer(signed));
          });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    await new MarketClient(net.connection, wallet.account).registerProvider({
      cores: advert.cores ?? 4,
      memoryMb: 2048,
      pricePerCoreSecond: advert.price ?? 1_000_000_000n,
      runtimes: ['python3'],
      endpoint,
      ipfsPeers: [],
    });
  }

  before(async () => {
    net = await LocalNetwork.start();
    await provider('dear', { offer: 3_000_000_000n }, { price: 3_000_000_000n });
    await provider('cheap', { offer: 1_000_000_000n });
    await provider('busy', { decline: 'all 4 cores are reserved' });
    await provider('small', { offer: 1n }, { cores: 1 });
    await provider('silent', 'silent');
    await provider('gone', 'closed');
    home = await mkdtemp(join(tmpdir(), 'orange-cli-preview-'));
    await writeKeystore(homePaths(home).wallet, { mnemonic: generateMnemonic() }, '');
    env = { ORANGE_HOME: home, ORANGE_PASSPHRASE: '' };
    flags = ['--rpc-url', net.connection.rpcUrl, '--market', net.connection.marketAddress];
    // A project folder of its own: the home (wallet, IPFS repository) is never packed.
    await mkdir(join(home, 'project'));
    script = join(home, 'project', 'hello.py');
    await writeFile(script, 'print("hello")\n');
  });

  after(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await net?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('lists every provider with its offer or why it would not take the job, cheapest first', async () => {
    const r = await runCli(
      ['providers', '--for', script, '--cpus', '2', ...flags],
      env,
      60_000,
      join(home, 'project'),
    );
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trimEnd().split('\n');
    const row = (name: string) =>
      rows.find((line) => line.startsWith(named[name]!.account.address))!;
    assert.equal(rows.length, 6, r.stdout);
    assert.equal(rows[0], row('cheap'));
    assert.equal(rows[1], row('dear'));
    assert.match(
      row('cheap'),
      /offers 0\.000000001 \w+\/s per core, at most 0\.00000018 \w+ for 60 s \+ 30 s grace \(valid \d+ s\)$/,
    );
    assert.match(row('busy'), /declined: all 4 cores are reserved \(CAPACITY\)$/);
    assert.match(row('small'), /would not fit: offers 1 cores, the job asks 2$/);
    assert.match(row('silent'), /offline: no answer within 2\.5 s$/);
    assert.match(row('gone'), /offline: its endpoint is unreachable \(ECONNREFUSED\)$/);
    assert.match(r.stderr, /2 offers from 6 providers for 2 cores, 512 MB, 60 s on python3/);
    assert.match(r.stderr, new RegExp(`a run would hire ${named.cheap!.account.address}`));
  });

  it('--json gives each provider its terms in wei or its reason, and a ceiling rules out the dear one', async () => {
    const r = await runCli(
      [
        'providers',
        '--for',
        script,
        '--cpus',
        '2',
        '--max-price',
        '2000000000',
        '--json',
        ...flags,
      ],
      env,
      60_000,
      join(home, 'project'),
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.runtime.name, 'python3');
    assert.deepEqual(out.asked, {
      runtime: 'python3',
      cores: 2,
      memoryMb: 512,
      timeoutSec: 60,
      maxPricePerCoreSecond: '2000000000',
    });
    const by = (name: string) =>
      out.providers.find((p: { address: string }) => p.address === named[name]!.account.address);
    assert.equal(by('cheap').status, 'offer');
    assert.equal(by('cheap').pricePerCoreSecond, '1000000000');
    assert.equal(by('cheap').maxCostWei, String(1_000_000_000n * 2n * 90n));
    assert.match(by('cheap').signature, /^0x[0-9a-f]{130}$/);
    assert.deepEqual(
      { status: by('dear').status, code: by('dear').code },
      { status: 'unfit', code: 'PRICE' },
    );
    assert.equal(by('busy').code, 'CAPACITY');
    assert.equal(by('gone').status, 'offline');
    assert.equal(out.providers[0].address, named.cheap!.account.address);
  });
});
