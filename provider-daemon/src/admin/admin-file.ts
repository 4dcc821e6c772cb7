import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrangeError } from '@orange-cloud/sdk';

/** `<stateDir>/admin.json`: where a running daemon's admin endpoint is and its token (0600). */
export interface AdminFile {
  url: string;
  /** 32 random bytes, hex: the Bearer token of /status, /pause and /resume. */
  token: string;
  pid: number;
  provider: string;
}

export const adminFilePath = (stateDir: string) => join(stateDir, 'admin.json');

export const newAdminToken = () => randomBytes(32).toString('hex');

/** Written owner-only: the token lets whoever reads it pause the provider. */
export async function writeAdminFile(stateDir: string, file: AdminFile): Promise<string> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = adminFilePath(stateDir);
  // Removed first: writeFile keeps an existing file's mode, and an old file may be wider.
  await rm(path, { force: true });
  await writeFile(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return path;
}

export async function removeAdminFile(stateDir: string): Promise<void> {
  await rm(adminFilePath(stateDir), { force: true });
}

/** For the process's 'exit' event (no awaiting there): a daemon that dies leaves no stale file. */
export function removeAdminFileSync(stateDir: string): void {
  rmSync(adminFilePath(stateDir), { force: true });
}

/** Reads a running daemon's admin.json; a clear error when there is none (not running). */
export async function readAdminFile(stateDir: string): Promise<AdminFile> {
  const path = adminFilePath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new OrangeError(
      'PROVIDER_NOT_RUNNING',
      missing
        ? `The provider daemon is not running: ${path} does not exist.`
        : `Cannot read ${path}: ${(error as Error).message}`,
      {
        hint: missing
          ? 'Start it with `orange-provider --config FILE` (or its systemd unit), or pass the --config it runs with.'
          : 'Run the command as the user the daemon runs as.',
        cause: error,
      },
    );
  }
  const file = JSON.parse(text) as Partial<AdminFile>;
  if (typeof file.url !== 'string' || typeof file.token !== 'string')
    throw new OrangeError('PROVIDER_NOT_RUNNING', `${path} names no admin endpoint and token.`, {
      hint: 'Restart the daemon: it writes the file at start.',
    });
  return file as AdminFile;
}
