import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runTool } from '../dependencies/run-tool.js';

export interface TestNpmPackage {
  name: string;
  version: string;
  /** Files in the package's folder besides package.json, path -> content. */
  files: Record<string, string>;
  /** package.json `scripts` (e.g. a postinstall), `main`, and anything else it should say. */
  manifest?: Record<string, unknown>;
}

/**
 * Packs a package with the npm on PATH (`npm pack`), so a test can depend on it through a
 * `file:` spec and no registry is needed. Returns the tarball's path in `dir`.
 */
export async function writeTestNpmPackage(dir: string, pkg: TestNpmPackage): Promise<string> {
  const source = await mkdtemp(join(dir, '.package-'));
  try {
    await writeFile(
      join(source, 'package.json'),
      JSON.stringify({ name: pkg.name, version: pkg.version, ...pkg.manifest }),
    );
    for (const [path, content] of Object.entries(pkg.files)) {
      await mkdir(dirname(join(source, path)), { recursive: true });
      await writeFile(join(source, path), content);
    }
    const outcome = await runTool('npm', ['pack', '--silent', '--pack-destination', dir], {
      env: process.env,
      cwd: source,
      missing: (cause) => new Error('npm is not on PATH', { cause }),
    });
    if (outcome.exitCode !== 0) throw new Error(`npm pack failed: ${outcome.stderr}`);
    return join(dir, outcome.stdout.trim().split('\n').pop()!);
  } finally {
    await rm(source, { recursive: true, force: true });
  }
}
