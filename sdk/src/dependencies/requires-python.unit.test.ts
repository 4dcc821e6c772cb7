import assert from 'node:assert/strict';
import { isOrangeError } from '../errors.js';
import { satisfiesRequiresPython } from './requires-python.js';

describe('requires-python', () => {
  const met = [
    '>=3.8',
    '>=3.11',
    '>=3.11.2',
    '<4',
    '>=3.9,<3.13',
    '==3.11.*',
    '==3.*',
    '~=3.10',
    '~=3.11.0',
    '!=3.10.*',
    '>3.11.1',
    '<=3.11.2',
    '==3.11.2',
    '>=3.11.2rc1',
    '<3.11.2.post1',
    '',
    ' >= 3.10 , < 3.12 ',
  ];
  const unmet = [
    '>=3.12',
    '<3.11',
    '>=3.11.3',
    '==3.10.*',
    '~=3.12',
    '~=3.10.0',
    '!=3.11.*',
    '>3.11.2',
    '<3.11.2',
    '>=3.11.2.post1',
    '==3.12',
    '>=3.13,<4',
  ];
  for (const spec of met)
    it(`3.11.2 meets ${JSON.stringify(spec)}`, () =>
      assert.ok(satisfiesRequiresPython('3.11.2', spec)));
  for (const spec of unmet)
    it(`3.11.2 does not meet ${JSON.stringify(spec)}`, () =>
      assert.ok(!satisfiesRequiresPython('3.11.2', spec)));

  for (const spec of ['3.11', '>=three', '>=3.*', '~=3', '>= 3.10; x']) {
    it(`refuses ${JSON.stringify(spec)} as unreadable`, () => {
      assert.throws(
        () => satisfiesRequiresPython('3.11.2', spec, "main.py's requires-python"),
        (e: unknown) =>
          isOrangeError(e) &&
          e.code === 'DEPENDENCIES_INVALID' &&
          e.message.startsWith("main.py's requires-python"),
      );
    });
  }
});
