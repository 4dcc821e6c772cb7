import assert from 'node:assert/strict';
import { externalImports, type ProjectSource } from './project-imports.js';

const project = (files: Record<string, string>): ProjectSource[] =>
  Object.entries(files).map(([path, text]) => ({ path, content: new TextEncoder().encode(text) }));

const names = (files: Record<string, string>, entry = 'main.py') =>
  externalImports(project(files), entry).map((i) => i.name);

describe('externalImports', () => {
  it('drops the standard library and keeps third-party top-level names', () => {
    assert.deepEqual(
      names({ 'main.py': 'import os, json\nimport numpy.linalg as la\nfrom scipy import stats\n' }),
      ['numpy', 'scipy'],
    );
  });

  it("drops the project's own modules and packages, and follows them into their imports", () => {
    const files = {
      'main.py': 'import helper\nfrom pkg.sub import thing\nfrom pkg import mod\n',
      'helper.py': 'import pandas\n',
      'pkg/__init__.py': 'import requests\n',
      'pkg/sub.py': 'from . import sibling\nfrom .deep.inner import x\n',
      'pkg/sibling.py': 'import yaml\n',
      'pkg/mod.py': 'import toml\n',
      'pkg/deep/inner.py': 'from .. import mod\nimport lxml\n',
      'tests/test_main.py': 'import pytest\n',
      'tools/lint.py': 'import black\n',
    };
    assert.deepEqual(names(files).sort(), ['lxml', 'pandas', 'requests', 'toml', 'yaml']);
  });

  it("counts a data folder or namespace package as the project's own", () => {
    assert.deepEqual(names({ 'main.py': 'import data.loader\n', 'data/points.csv': '1,2\n' }), []);
  });

  it('finds modules beside an entry in a subfolder as well as at the root', () => {
    const files = {
      'app/main.py': 'import util\nimport common\nimport flask\n',
      'app/util.py': 'import attr\n',
      'common.py': '',
    };
    assert.deepEqual(names(files, 'app/main.py'), ['flask', 'attr']);
  });

  it('keeps an import optional only when every import of it is optional, with where it is first', () => {
    const files = {
      'main.py': 'try:\n    import ujson\nexcept ImportError:\n    ujson = None\nimport helper\n',
      'helper.py': 'import ujson\n',
    };
    assert.deepEqual(externalImports(project(files), 'main.py'), [
      { name: 'ujson', optional: false, where: { path: 'main.py', line: 2 } },
    ]);
  });

  it('survives import cycles and files that are not UTF-8', () => {
    const files = project({ 'main.py': 'import a\n', 'a.py': 'import main\nimport numpy\n' });
    files.push({ path: 'b.py', content: new Uint8Array([0xff, 0xfe, 0x00]) });
    assert.deepEqual(
      externalImports(files, 'main.py').map((i) => i.name),
      ['numpy'],
    );
  });
});
