import * as assert from 'node:assert/strict';
import type { HistoryReader } from '@orange-cloud/sdk';
import { ViewHistory, type ViewHistoryDeps, type ViewSession } from './view-history.js';

type OpenOptions = Parameters<NonNullable<ViewHistoryDeps['open']>>[0];

const session = () =>
  ({ market: { id: 'market' }, index: { id: 'index' } }) as unknown as ViewSession;

function history(subgraphUrl: string | undefined, network = 'devnet') {
  const opened: OpenOptions[] = [];
  const lines: string[] = [];
  const views = new ViewHistory({
    settings: () => ({ network, subgraphUrl }),
    log: (line) => lines.push(line),
    open: (options) => {
      opened.push(options);
      return {} as HistoryReader;
    },
  });
  return { views, opened, lines };
}

describe('ViewHistory', () => {
  it("reads the session's own chain index, and no subgraph by default", () => {
    const { views, opened, lines } = history(undefined);
    const open = session();
    views.readerFor(open);
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.market, open.market);
    assert.equal(opened[0]!.index, open.index);
    assert.equal(opened[0]!.subgraphUrl, undefined);
    assert.deepEqual(lines, []);
  });

  it('reads the subgraph the setting names first, and says so in the log', () => {
    const url = 'http://127.0.0.1:8000/subgraphs/name/orange-cloud';
    const { views, opened, lines } = history(url);
    views.readerFor(session());
    assert.equal(opened[0]!.subgraphUrl, url);
    assert.match(lines[0]!, /^job history: reading the subgraph at http:\/\/127\.0\.0\.1:8000\//);
    // The SDK's fallback lines reach the same log, marked as the views'.
    opened[0]!.log!('the subgraph is 40 blocks behind the chain');
    assert.equal(lines[1], 'job history: the subgraph is 40 blocks behind the chain');
  });

  it('keeps one reader per session: a new session (settings changed) gets a new one', () => {
    const { views, opened } = history(undefined);
    const first = session();
    assert.equal(views.readerFor(first), views.readerFor(first));
    views.readerFor(session());
    assert.equal(opened.length, 2);
  });
});
