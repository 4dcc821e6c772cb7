import * as assert from 'node:assert/strict';
import { OrangeError, type OrangeErrorCode } from '@orange-cloud/sdk';
import { ACTION_LABELS, actionsFor, errorText, noWallet } from './error-actions.js';

const error = (code: OrangeErrorCode) =>
  new OrangeError(code, `${code} happened.`, { hint: 'Do this.' });

describe('error actions', () => {
  it('offers the walkthrough, create and import when there is no wallet', () => {
    assert.deepEqual(actionsFor(noWallet(), 'devnet'), [
      'openWalkthrough',
      'createWallet',
      'importWallet',
    ]);
  });

  it('offers to start the devnet when it is down', () => {
    assert.deepEqual(actionsFor(error('DEVNET_DOWN'), 'devnet'), [
      'startDevnet',
      'openSettings',
      'retry',
    ]);
    assert.equal(actionsFor(error('RPC_UNREACHABLE'), 'devnet')[0], 'startDevnet');
  });

  it('does not offer the devnet on a public network', () => {
    assert.deepEqual(actionsFor(error('RPC_UNREACHABLE'), 'base-sepolia'), [
      'openSettings',
      'retry',
    ]);
    assert.deepEqual(actionsFor(error('INSUFFICIENT_FUNDS'), 'base-sepolia'), ['showLog']);
    assert.ok(!actionsFor(error('NO_PROVIDER'), 'base-sepolia').includes('startDevnet'));
  });

  it('offers funding on the devnet and other options when no provider fits', () => {
    assert.deepEqual(actionsFor(error('INSUFFICIENT_FUNDS'), 'devnet'), ['fundWallet', 'showLog']);
    assert.equal(actionsFor(error('NO_OFFER'), 'devnet')[0], 'runWithOptions');
  });

  it('offers the install guide when Share Compute finds no Docker or no recent Node', () => {
    assert.deepEqual(actionsFor(error('DOCKER_UNAVAILABLE'), 'devnet'), [
      'installDocker',
      'showLog',
    ]);
    assert.deepEqual(actionsFor(error('NODE_MISSING'), 'base-sepolia'), ['installNode', 'showLog']);
    assert.equal(ACTION_LABELS.installDocker, 'Install Docker');
  });

  it('offers to authorize payments when a run was refused for want of them', () => {
    for (const code of ['PAY_NOT_AUTHORIZED', 'PAY_ALLOWANCE_SPENT'] as const) {
      for (const network of ['devnet', 'base-sepolia']) {
        assert.deepEqual(actionsFor(error(code), network), ['authorizePayments', 'showLog'], code);
      }
    }
    assert.equal(ACTION_LABELS.authorizePayments, 'Authorize Payments');
  });

  it('offers funding on the devnet, and smaller options anywhere, when a run cannot be afforded', () => {
    assert.deepEqual(actionsFor(error('PAY_CANNOT_AFFORD'), 'devnet'), [
      'fundWallet',
      'runWithOptions',
      'showLog',
    ]);
    assert.deepEqual(actionsFor(error('PAY_CANNOT_AFFORD'), 'base-sepolia'), [
      'runWithOptions',
      'showLog',
    ]);
  });

  it('sends settings problems to the settings', () => {
    for (const code of [
      'INVALID_SETTINGS',
      'MARKET_NOT_DEPLOYED',
      'MARKET_NOT_PAYING',
      'STORE_AUTH_FAILED',
      'UNKNOWN_NETWORK',
    ] as const) {
      assert.equal(actionsFor(error(code), 'devnet')[0], 'openSettings', code);
    }
  });

  it('offers the settings when a project, its install scripts or the outputs folder was refused', () => {
    for (const code of [
      'PROJECT_TOO_LARGE',
      'PROJECT_ENTRY_OUTSIDE',
      'PROJECT_LINK_OUTSIDE',
      'OUTPUTS_DIR_UNUSABLE',
      'NPM_INSTALL_SCRIPTS',
    ] as const) {
      assert.deepEqual(actionsFor(error(code), 'devnet'), ['openSettings', 'showLog'], code);
    }
    // A bad file name is fixed in the explorer, not in the settings.
    assert.deepEqual(actionsFor(error('PROJECT_BAD_NAME'), 'devnet'), ['showLog']);
  });

  it('shows the log for anything unexpected', () => {
    assert.deepEqual(actionsFor(new Error('boom'), 'devnet'), ['showLog']);
    assert.deepEqual(actionsFor(error('EMPTY_SCRIPT'), 'devnet'), ['showLog']);
  });

  it('labels every action', () => {
    for (const label of Object.values(ACTION_LABELS)) assert.ok(label.length > 0);
  });

  it('says what happened and what to do', () => {
    assert.equal(
      errorText(new OrangeError('EMPTY_SCRIPT', 'X happened.', { hint: 'Do this.' })),
      'X happened. Do this.',
    );
    assert.match(errorText(new TypeError('bad')), /unexpected error: bad/);
  });
});
