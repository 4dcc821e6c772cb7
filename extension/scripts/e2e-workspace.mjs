// The workspace the end-to-end suite opens: a copy of examples/ with the project fixture in
// plot/ (src/test/e2e/fixtures/plot), so runs may save returned files (.orange/outputs) and
// the tests may add files without touching the repository.
import { cp } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Makes `<parent>/examples` and returns its path. */
export async function e2eWorkspace(parent) {
  const workspace = join(parent, 'examples');
  await cp(join(dirname(extensionDir), 'examples'), workspace, { recursive: true });
  await cp(join(extensionDir, 'src/test/e2e/fixtures/plot'), join(workspace, 'plot'), {
    recursive: true,
  });
  return workspace;
}
