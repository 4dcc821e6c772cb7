import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { OrangeError } from '@orange-cloud/sdk';
import { ConnectionMonitor } from './connection-monitor.js';

const fakeVs = { commands: { executeCommand: async () => undefined } } as unknown as typeof vscode;

describe('ConnectionMonitor', () => {
  it('explains an invalid setting as itself, even when the settings cannot be read', () => {
    const invalid = new OrangeError('INVALID_SETTINGS', 'The setting orangeCloud.priceCeiling …');
    const monitor = new ConnectionMonitor(fakeVs, {
      network: () => {
        throw invalid;
      },
      rpcOverride: () => {
        throw invalid;
      },
      probe: async () => true,
      recover: async () => undefined,
      show: () => undefined,
      log: () => undefined,
    });
    try {
      assert.equal(monitor.explain(invalid), invalid);
      assert.equal(monitor.problem, undefined);
    } finally {
      monitor.dispose();
    }
  });
});
