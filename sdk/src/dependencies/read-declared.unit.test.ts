import assert from 'node:assert/strict';
import { isOrangeError } from '../errors.js';
import { pickDeclared } from './read-declared.js';

const script = (deps: string) => `# /// script\n# dependencies = [${deps}]\n# ///\nprint(1)\n`;
const pyproject =
  '[project]\nname = "p"\nrequires-python = ">=3.9"\ndependencies = ["attrs>=23"]\n';

describe('declared dependencies', () => {
  it('takes the script block first, even an empty one', () => {
    assert.deepEqual(
      pickDeclared({
        entrypoint: 'src/main.py',
        entrySource: script('"six"'),
        requirementsTxt: 'requests\n',
        pyprojectToml: pyproject,
      }),
      { source: 'script metadata', file: 'src/main.py', requirements: ['six'] },
    );
    assert.deepEqual(
      pickDeclared({
        entrypoint: 'main.py',
        entrySource: script(''),
        requirementsTxt: 'requests\n',
      }),
      { source: 'script metadata', file: 'main.py', requirements: [] },
    );
  });

  it('then requirements.txt, with requires-python from pyproject.toml', () => {
    assert.deepEqual(
      pickDeclared({
        entrypoint: 'main.py',
        entrySource: 'print(1)\n',
        requirementsTxt: 'requests\n',
        pyprojectToml: pyproject,
      }),
      {
        source: 'requirements.txt',
        file: 'requirements.txt',
        requirements: ['requests'],
        requiresPython: '>=3.9',
      },
    );
  });

  it('passes over a requirements.txt that lists nothing', () => {
    assert.equal(
      pickDeclared({
        entrypoint: 'main.py',
        entrySource: 'x\n',
        pyprojectToml: pyproject,
        requirementsTxt: '# none\n',
      })?.source,
      'pyproject.toml',
    );
    assert.equal(
      pickDeclared({ entrypoint: 'main.py', entrySource: 'x\n', requirementsTxt: '' }),
      undefined,
    );
  });

  it('then pyproject.toml [project].dependencies', () => {
    assert.deepEqual(
      pickDeclared({ entrypoint: 'main.py', entrySource: 'x\n', pyprojectToml: pyproject }),
      {
        source: 'pyproject.toml',
        file: 'pyproject.toml',
        requirements: ['attrs>=23'],
        requiresPython: '>=3.9',
      },
    );
  });

  it('finds nothing in a pyproject.toml without [project] dependencies, or no files at all', () => {
    assert.equal(
      pickDeclared({
        entrypoint: 'main.py',
        entrySource: 'x\n',
        pyprojectToml: '[tool.black]\nline-length = 99\n',
      }),
      undefined,
    );
    assert.equal(
      pickDeclared({
        entrypoint: 'main.py',
        entrySource: 'x\n',
        pyprojectToml: '[project]\nname = "p"\ndynamic = ["dependencies"]\n',
      }),
      undefined,
    );
    assert.equal(pickDeclared({ entrypoint: 'main.py', entrySource: 'x\n' }), undefined);
  });

  it('refuses a URL in the script block or pyproject.toml, and broken TOML', () => {
    assert.throws(
      () =>
        pickDeclared({
          entrypoint: 'main.py',
          entrySource: script('"pkg @ https://example.invalid/p.whl"'),
        }),
      (e: unknown) =>
        isOrangeError(e) &&
        e.code === 'DEPENDENCY_UNSUPPORTED' &&
        e.message.startsWith('main.py declares'),
    );
    assert.throws(
      () =>
        pickDeclared({ entrypoint: 'main.py', entrySource: 'x\n', pyprojectToml: '[project\n' }),
      (e: unknown) =>
        isOrangeError(e) &&
        e.code === 'DEPENDENCIES_INVALID' &&
        e.message.startsWith('pyproject.toml is not valid TOML'),
    );
    assert.throws(
      () =>
        pickDeclared({
          entrypoint: 'main.py',
          entrySource: 'x\n',
          pyprojectToml: '[project]\ndependencies = [1]\n',
        }),
      (e: unknown) =>
        isOrangeError(e) &&
        e.code === 'DEPENDENCIES_INVALID' &&
        e.message.includes('"project.dependencies"'),
    );
  });
});
