import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../job/document-fields.js';

/** One cached file on the requester's disk, ready to pack. */
export interface CachedFile {
  file: string;
  /** Absolute path in the cache. */
  path: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
}

/**
 * Files a package manager prepared before, kept under the Orange Cloud home by a hash of what
 * was asked (the declared dependencies, the target, the tool's extra arguments and the user's
 * configuration of it), so running the same project again does not call the tool. A folder is
 * filled under a temporary name and renamed into place whole; its files are checked against
 * their recorded hashes before each use. Wheels (pip) and prepared npm trees share it.
 */
export class HashedFolderCache {
  /**
   * @param admits which file names a cache folder may hold (anything else is refused by
   *   `put`'s `accept`, or makes `get` distrust the folder)
   * @param list the name of the list written last in each folder: a folder without it is never
   *   trusted
   * @param required files every folder holds: a folder whose list lacks one is not trusted either
   */
  constructor(
    private readonly dir: string,
    private readonly admits: (file: string) => boolean,
    private readonly list: string,
    private readonly required: readonly string[] = [],
  ) {}

  /** The cache key of one request, a hex SHA-256. */
  static key(request: unknown): string {
    return createHash('sha256').update(canonicalJson(request)).digest('hex');
  }

  /** The files cached under `key`, or undefined when they are absent or altered. */
  async get(key: string): Promise<CachedFile[] | undefined> {
    const folder = join(this.dir, key);
    const text = await readFile(join(folder, this.list), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    let listed: { file: string; sha256: string }[];
    try {
      listed = JSON.parse(text) as { file: string; sha256: string }[];
    } catch {
      return undefined;
    }
    if (!Array.isArray(listed)) return undefined;
    if (!this.required.every((file) => listed.some((l) => l.file === file))) return undefined;
    const cached: CachedFile[] = [];
    for (const { file, sha256 } of listed) {
      if (!this.admits(file)) return undefined;
      const found = await describe(folder, file).catch(() => undefined);
      if (!found || found.sha256 !== sha256) return undefined;
      cached.push(found);
    }
    return cached;
  }

  /**
   * Fills a fresh folder with `fill(folder)` (pip downloading into it, or an npm tree packed
   * into it) and stores what it holds under `key`. `accept` refuses files the cache may not
   * hold (pip saving a source archive) before anything is kept.
   */
  async put(
    key: string,
    fill: (folder: string) => Promise<void>,
    accept: (files: string[]) => void,
  ): Promise<CachedFile[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const staging = await mkdtemp(join(this.dir, '.filling-'));
    try {
      await fill(staging);
      const files = (await readdir(staging)).sort();
      accept(files);
      const filled = await Promise.all(files.map((file) => describe(staging, file)));
      await writeFile(
        join(staging, this.list),
        JSON.stringify(filled.map(({ file, sha256 }) => ({ file, sha256 }))),
      );
      const folder = join(this.dir, key);
      // Another run may have filled the same request meanwhile: its folder is as good, and
      // replacing it could pull files from under that run.
      const earlier = await this.get(key);
      if (earlier) return earlier;
      await rm(folder, { recursive: true, force: true });
      try {
        await rename(staging, folder);
      } catch (error) {
        const raced = await this.get(key);
        if (raced) return raced;
        throw error;
      }
      return filled.map((f) => ({ ...f, path: join(folder, f.file) }));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

async function describe(folder: string, file: string): Promise<CachedFile> {
  const path = join(folder, file);
  const [content, info] = await Promise.all([readFile(path), stat(path)]);
  return {
    file,
    path,
    bytes: info.size,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}
