import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { PaymentTerms, ProviderMatch, RunQuote } from '@orange-cloud/sdk';
import { matchHeading, matchItems } from './match-items.js';
import { confirmQuote } from './confirm-quote.js';

const micro = 10n ** 12n; // 0.000001 OTTx
const terms: PaymentTerms = {
  market: '0x0000000000000000000000000000000000000001',
  cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
  superToken: '0x0000000000000000000000000000000000000003',
  symbol: 'OTTx',
  decimals: 18,
  graceSec: 30,
};
const address = (n: number) => `0x${String(n).repeat(40)}` as const;
const provider = (n: number) => ({
  address: address(n),
  cores: 4,
  memoryMb: 4096,
  pricePerCoreSecond: micro,
  runtimes: ['python3'],
  endpoint: `http://10.0.0.${n}:4012`,
});
const offer = (n: number, price: bigint): ProviderMatch => ({
  status: 'offer',
  provider: provider(n),
  signed: {
    signature: '0x',
    offer: {
      provider: address(n),
      requester: '0x0000000000000000000000000000000000000000',
      runtime: 'python3',
      cores: 2,
      memoryMb: 512,
      maxTimeoutSec: 600,
      pricePerCoreSecond: price,
      jobPublicKey: '0x02',
      expiresAt: 1_000_060n,
      nonce: 1n,
    },
  },
});
const matches: ProviderMatch[] = [
  { status: 'offline', provider: provider(3), reason: 'no answer within 2.5 s' },
  offer(2, 2n * micro),
  {
    status: 'declined',
    provider: provider(4),
    decline: { code: 'CAPACITY', message: 'all 4 cores are reserved' },
  },
  offer(1, micro),
  {
    status: 'unfit',
    provider: provider(5),
    code: 'CORES',
    reason: 'offers 1 cores, the job asks 2',
  },
];

describe('match preview rows', () => {
  it('lists offers cheapest first with their price and most cost, then each reason', () => {
    const rows = matchItems(matches, 60, terms, 1_000_000);
    assert.deepEqual(
      rows.map((r) => [r.label, r.description]),
      [
        [
          '$(pass) 0x1111…1111',
          '0.000001 OTTx/s per core, at most 0.00018 OTTx for 60 s + 30 s grace (valid 60 s)',
        ],
        [
          '$(pass) 0x2222…2222',
          '0.000002 OTTx/s per core, at most 0.00036 OTTx for 60 s + 30 s grace (valid 60 s)',
        ],
        ['$(circle-slash) 0x4444…4444', 'declined: all 4 cores are reserved (CAPACITY)'],
        ['$(circle-large-outline) 0x5555…5555', 'would not fit: offers 1 cores, the job asks 2'],
        ['$(debug-disconnect) 0x3333…3333', 'offline: no answer within 2.5 s'],
      ],
    );
    assert.equal(rows[0]!.detail, `${address(1)} · http://10.0.0.1:4012`);
    assert.deepEqual(
      rows.map((r) => r.provider),
      [address(1), address(2), undefined, undefined, undefined],
    );
    assert.equal(matchHeading(matches), 'Providers: 2 offers from 5 providers');
  });
});

describe('Run with Options: the last step', () => {
  const options = { cores: 2, memoryMb: 512, timeoutSec: 60, maxPricePerCoreSecond: undefined };
  const quote: RunQuote = {
    providers: [],
    maxPricePerCoreSecond: 2n * micro,
    rateWei: 4n * micro,
    maxCostWei: 360n * micro,
    terms,
  };
  const preview = { matches, terms, nowSec: 1_000_000 };

  /** A vscode stub whose quick pick records its items and picks the one `pick` names. */
  function stub(pick: (items: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined) {
    const shown: { items: vscode.QuickPickItem[]; placeHolder: string | undefined }[] = [];
    const vs = {
      ThemeIcon: class {
        constructor(readonly id: string) {}
      },
      QuickPickItemKind: { Separator: -1, Default: 0 },
      window: {
        showQuickPick: async (items: vscode.QuickPickItem[], opts: vscode.QuickPickOptions) => {
          shown.push({ items, placeHolder: opts.placeHolder });
          return pick(items);
        },
      },
    } as unknown as typeof vscode;
    return { vs, shown };
  }

  it('runs with the cheapest offer from the Run row, or hires the provider whose offer is picked', async () => {
    const run = stub((items) => items[0]);
    assert.deepEqual(
      await confirmQuote(run.vs, 'hello.py', options, quote, 'the file alone', undefined, preview),
      { provider: undefined },
    );
    const labels = run.shown[0]!.items.map((i) => i.label);
    assert.deepEqual(labels, [
      'Run hello.py',
      'Providers: 2 offers from 5 providers',
      '$(pass) 0x1111…1111',
      '$(pass) 0x2222…2222',
      '$(circle-slash) 0x4444…4444',
      '$(circle-large-outline) 0x5555…5555',
      '$(debug-disconnect) 0x3333…3333',
      '',
      'Cancel',
    ]);

    const dearer = stub((items) => items.find((i) => i.label.includes('0x2222')));
    assert.deepEqual(
      await confirmQuote(
        dearer.vs,
        'hello.py',
        options,
        quote,
        'the file alone',
        undefined,
        preview,
      ),
      { provider: address(2) },
    );
  });

  it('runs nothing for Cancel, a provider without an offer, or Escape', async () => {
    for (const pick of [
      (items: vscode.QuickPickItem[]) => items.at(-1),
      (items: vscode.QuickPickItem[]) => items.find((i) => i.label.includes('0x4444')),
      () => undefined,
    ]) {
      const { vs } = stub(pick);
      assert.equal(
        await confirmQuote(vs, 'hello.py', options, quote, 'the file alone', undefined, preview),
        undefined,
      );
    }
  });

  it('without a quote (no provider fits) shows only why, with no Run row', async () => {
    const nobody = stub(() => undefined);
    const unfit = matches.filter((m) => m.status !== 'offer');
    await confirmQuote(nobody.vs, 'hello.py', options, undefined, 'the file alone', undefined, {
      ...preview,
      matches: unfit,
    });
    const shown = nobody.shown[0]!;
    assert.equal(shown.items[0]!.label, 'Providers: 0 offers from 3 providers');
    assert.ok(!shown.items.some((i) => i.label.startsWith('Run ')));
    assert.equal(shown.placeHolder, 'No provider can take this run: each one says why below.');
  });
});
