import assert from 'node:assert/strict';
import { isOrangeError } from '../errors.js';
import { checkProjectPath, isNeverSent, isNeverSentFile } from './project-rules.js';

describe('project rules', () => {
  for (const name of [
    '.git',
    '__pycache__',
    'node_modules',
    'orange-out',
    '.orange',
    '.venv',
    'venv',
  ]) {
    it(`never sends ${name}/`, () => assert.ok(isNeverSent(name)));
  }
  it("never sends npm's configuration, and sends other dotfiles", () => {
    assert.ok(isNeverSentFile('.npmrc'));
    for (const name of ['.env.example', 'npmrc', '.nvmrc']) assert.ok(!isNeverSentFile(name));
  });
  it('sends ordinary folders', () => {
    for (const name of ['src', 'data', 'venvs', 'out']) assert.ok(!isNeverSent(name));
  });

  it('accepts ordinary, nested and unicode names', () => {
    for (const path of ['main.py', 'data/points.csv', 'données/é.txt', '..hidden', 'a b/c']) {
      checkProjectPath(path);
    }
  });

  for (const path of [
    'a\nb.py',
    'tab\there',
    'bell\u0007',
    'del\u007f',
    'a\\b',
    '/abs',
    'a/../b',
    'a//b',
  ]) {
    it(`refuses ${JSON.stringify(path)} with PROJECT_BAD_NAME`, () => {
      assert.throws(
        () => checkProjectPath(path),
        (error: unknown) =>
          isOrangeError(error) &&
          error.code === 'PROJECT_BAD_NAME' &&
          error.message.includes(`The project file ${JSON.stringify(path)} `),
      );
    });
  }
});
