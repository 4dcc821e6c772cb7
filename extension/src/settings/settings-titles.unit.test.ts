import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Property {
  order?: number;
  markdownDescription?: string;
  description?: string;
  markdownDeprecationMessage?: string;
}
interface Section {
  id: string;
  title: string;
  order: number;
  properties: Record<string, Property>;
}

const manifest = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { contributes: { configuration: Section[] } };
const sections = [...manifest.contributes.configuration].sort((a, b) => a.order - b.order);

/**
 * The title the Settings editor shows for a key, as VS Code 1.104 builds it
 * (settingKeyToDisplayFormat and wordifyKey in its preferences code): the part before the
 * last dot, less the section id's prefix, is the category; capitals mark word breaks.
 */
function settingTitle(key: string, sectionId: string): string {
  const wordify = (text: string) =>
    text
      .replace(/\.([a-z0-9])/g, (_, c: string) => ` › ${c.toUpperCase()}`)
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]{1,})([A-Z][a-z])/g, '$1 $2')
      .replace(/^[a-z]/g, (c) => c.toUpperCase());
  const dot = key.lastIndexOf('.');
  let category = key.slice(0, dot);
  const parts = sectionId.split('.');
  while (parts.length) {
    const prefix = new RegExp(`^${parts.join('\\.')}(\\.|$)`, 'i');
    if (prefix.test(category)) {
      category = category.replace(prefix, '');
      break;
    }
    parts.pop();
  }
  const label = wordify(key.slice(dot + 1));
  return category ? `${wordify(category)}: ${label}` : label;
}

/** The settings users see (deprecated ones show only where they are still set). */
const shown = sections.flatMap((section) =>
  Object.entries(section.properties)
    .filter(([, property]) => !property.markdownDeprecationMessage)
    .map(([key, property]) => ({ key, property, title: settingTitle(key, section.id), section })),
);

describe('settings as the Settings editor shows them', () => {
  it('builds titles the way VS Code does', () => {
    assert.equal(settingTitle('orangeCloud.rpcUrl', 'orangeCloud.advanced'), 'Rpc Url');
    assert.equal(settingTitle('orangeCloud.ipfs.mode', 'orangeCloud.advanced'), 'Ipfs: Mode');
  });

  it('spells acronyms and units in capitals in every title', () => {
    const titles = shown.map((s) => s.title);
    for (const title of titles)
      assert.doesNotMatch(title, /\b(Rpc|Url|Ipfs|Mb|Mib|Json|Id)\b/, JSON.stringify(titles));
    for (const expected of [
      'Chain RPC Endpoint',
      'IPFS Mode',
      'IPFS Node URL',
      'IPFS Authorization Header',
      'Default Memory MB',
      'Max Project MB',
      'Price Ceiling',
      'Subgraph URL',
    ])
      assert.ok(titles.includes(expected), `${expected} among ${JSON.stringify(titles)}`);
  });

  it('puts the run defaults first and the network and IPFS under Advanced, last', () => {
    assert.equal(sections[0]!.title, 'Run');
    assert.deepEqual(
      shown.filter((s) => s.section === sections[0]).map((s) => s.key.replace('orangeCloud.', '')),
      [
        'defaultCores',
        'defaultMemoryMB',
        'defaultTimeoutSec',
        'priceCeiling',
        'project',
        'maxProjectMB',
        'allowInstallScripts',
        'waitForProviderSec',
      ],
    );
    const advanced = sections.at(-1)!;
    assert.match(advanced.title, /^Advanced/);
    for (const key of [
      'network',
      'chainRPCEndpoint',
      'marketAddress',
      'IPFSMode',
      'IPFSNodeURL',
      'subgraphURL',
    ])
      assert.ok(`orangeCloud.${key}` in advanced.properties, key);
  });

  it('orders every shown setting and describes it in markdown, prices in tokens', () => {
    for (const { key, property } of shown) {
      assert.equal(typeof property.order, 'number', `${key} has an order`);
      assert.ok(property.markdownDescription, `${key} has a markdownDescription`);
    }
    // Wei appears only in deprecated keys, which the Settings editor hides while unset.
    for (const { key, property } of shown)
      assert.doesNotMatch(property.markdownDescription!, /\bwei\b/i, key);
    for (const key of ['orangeCloud.priceCeiling', 'orangeCloud.share.price']) {
      const price = shown.find((s) => s.key === key);
      assert.ok(price, `${key} is shown`);
      assert.match(price.property.markdownDescription!, /OTTx/, key);
    }
  });

  it("titles Share Compute's settings for what they are, its price third", () => {
    const share = sections.find((s) => s.id === 'orangeCloud.share')!;
    assert.deepEqual(
      shown
        .filter((s) => s.section === share)
        .sort((a, b) => a.property.order! - b.property.order!)
        .map((s) => s.title),
      [
        'Cores',
        'Memory MB',
        'Price',
        'Runtimes',
        'Allow Requesters',
        'Deny Requesters',
        'Keep Running',
      ],
    );
  });

  it('names the successor of every deprecated key', () => {
    for (const section of sections)
      for (const [key, property] of Object.entries(section.properties)) {
        if (!property.markdownDeprecationMessage) continue;
        const successor = /#orangeCloud\.([\w.]+)#/.exec(property.markdownDeprecationMessage)?.[1];
        assert.ok(successor, key);
        assert.ok(
          sections.some((s) => `orangeCloud.${successor}` in s.properties),
          `${key} -> ${successor}`,
        );
      }
  });
});
