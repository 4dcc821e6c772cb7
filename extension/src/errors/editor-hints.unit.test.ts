import * as assert from 'node:assert/strict';
import { OrangeError } from '@orange-cloud/sdk';
import { inEditorTerms } from './editor-hints.js';

describe('editor hints', () => {
  it("names the extension's settings where the SDK names the CLI's flags", () => {
    for (const [code, setting] of [
      ['PROJECT_TOO_LARGE', 'orangeCloud.maxProjectMB'],
      ['PROJECT_LINK_OUTSIDE', 'orangeCloud.project'],
      ['PROJECT_ENTRY_OUTSIDE', 'orangeCloud.project'],
      ['OUTPUTS_DIR_UNUSABLE', 'orangeCloud.outputs.folder'],
      ['NPM_INSTALL_SCRIPTS', 'orangeCloud.allowInstallScripts'],
    ] as const) {
      const cause = new Error('low level');
      const sdk = new OrangeError(code, 'What happened.', { hint: 'Use --flag.', cause });
      const shown = inEditorTerms(sdk) as OrangeError;
      assert.equal(shown.code, code);
      assert.equal(shown.message, 'What happened.');
      assert.equal(shown.cause, cause);
      assert.ok(shown.hint?.includes(setting), `${code}: ${shown.hint}`);
      assert.doesNotMatch(shown.hint ?? '', /--/);
    }
  });

  it('passes every other error through as it is', () => {
    const other = new OrangeError('PROJECT_BAD_NAME', 'Bad name.', { hint: 'Rename it.' });
    assert.equal(inEditorTerms(other), other);
    const plain = new TypeError('boom');
    assert.equal(inEditorTerms(plain), plain);
  });
});
