import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

/**
 * The project's lint rules on its package structure, run against a sample that breaks them: an
 * import cycle and a relative import into another package's files. If a change to the ESLint
 * config switched these rules off, this fails.
 */
describe('lint rules on import structure', function () {
  this.timeout(60_000);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
  let results: ESLint.LintResult[];

  before(async () => {
    // The fixtures are ignored by the project's own lint run; here they are the subject.
    const eslint = new ESLint({ cwd: root, ignore: false });
    results = await eslint.lintFiles([join(fixtures, '**/*.ts')]);
  });

  const rulesIn = (file: string) =>
    results
      .find((r) => r.filePath.endsWith(file))!
      .messages.map((m) => m.ruleId)
      .sort();

  it('rejects an import cycle, on both of its files', () => {
    assert.deepEqual(rulesIn('cycle-first.ts'), ['import-x/no-cycle']);
    assert.deepEqual(rulesIn('cycle-second.ts'), ['import-x/no-cycle']);
  });

  it("rejects a relative import into another package's files", () => {
    assert.deepEqual(rulesIn('reaches-into-lib.ts'), ['import-x/no-relative-packages']);
  });

  it('accepts a file that only imports into a cycle without being part of it', () => {
    assert.deepEqual(rulesIn('clean.ts'), []);
  });
});
