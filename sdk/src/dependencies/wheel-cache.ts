import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../job/document-fields.js';
import { isWheelFileName } from '../job/paths.js';

/** One wheel on the requester's disk, ready to pack. */
export interface LocalWheel {
  file: string;
  /** Absolute path in the cache. */
  path: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
}

/** The list a cache folder holds, written last so a folder without it is never trusted. */
const LIST = 'wheels.json';

/**
 * Wheels fetched before, kept under the Orange Cloud home by a hash of what was asked (the
 * requirements, the target, pip's extra arguments and the user's pip configuration), so running the same script again does
 * not call pip. A folder is filled under a temporary name and renamed into place whole; its
 * files are checked against their recorded hashes before each use.
 */
export class WheelCache {
  constructor(private readonly dir: string) {}

  /** The cache key of one request, a hex SHA-256. */
  static key(request: unknown): string {
    return createHash('sha256').update(canonicalJson(request)).digest('hex');
  }

  /** The wheels cached under `key`, or undefined when they are absent or altered. */
  async get(key: string): Promise<LocalWheel[] | undefined> {
    const folder = join(this.dir, key);
    const text = await readFile(join(folder, LIST), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    let listed: { file: string; sha256: string }[];
    try {
      listed = JSON.parse(text) as { file: string; sha256: string }[];
    } catch {
      return undefined;
    }
    const wheels: LocalWheel[] = [];
    for (const { file, sha256 } of listed) {
      if (!isWheelFileName(file)) return undefined;
      const wheel = await describe(folder, file).catch(() => undefined);
      if (!wheel || wheel.sha256 !== sha256) return undefined;
      wheels.push(wheel);
    }
    return wheels;
  }

  /**
   * Fills a fresh folder with `fill(folder)` (pip downloading into it) and stores what it
   * holds under `key`. Files that are not wheels are refused by `accept` before anything is
   * kept.
   */
  async put(
    key: string,
    fill: (folder: string) => Promise<void>,
    accept: (files: string[]) => void,
  ): Promise<LocalWheel[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const staging = await mkdtemp(join(this.dir, '.filling-'));
    try {
      await fill(staging);
      const files = (await readdir(staging)).sort();
      accept(files);
      const wheels = await Promise.all(files.map((file) => describe(staging, file)));
      await writeFile(
        join(staging, LIST),
        JSON.stringify(wheels.map(({ file, sha256 }) => ({ file, sha256 }))),
      );
      const folder = join(this.dir, key);
      // Another run may have filled the same request meanwhile: its folder is as good, and
      // replacing it could pull files from under that run.
      const filled = await this.get(key);
      if (filled) return filled;
      await rm(folder, { recursive: true, force: true });
      try {
        await rename(staging, folder);
      } catch (error) {
        const raced = await this.get(key);
        if (raced) return raced;
        throw error;
      }
      return wheels.map((w) => ({ ...w, path: join(folder, w.file) }));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

async function describe(folder: string, file: string): Promise<LocalWheel> {
  const path = join(folder, file);
  const [content, info] = await Promise.all([readFile(path), stat(path)]);
  return {
    file,
    path,
    bytes: info.size,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}
