import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export interface TestWheel {
  /** Distribution name, e.g. `orange_greeting`. */
  name: string;
  version: string;
  /** Files in the wheel's root (what lands in site-packages), path -> content. */
  files: Record<string, string | Uint8Array>;
  /** PEP 425 tag; default `py3-none-any`. */
  tag?: string;
  /** `Requires-Dist` lines. */
  requires?: string[];
  requiresPython?: string;
  /** Members written as they are, outside the RECORD: for hostile wheels (`../../x`). */
  rawMembers?: Record<string, string | Uint8Array>;
}

/**
 * Writes a wheel the way a build backend would (a zip with the files and
 * `NAME-VERSION.dist-info/{METADATA,WHEEL,RECORD}`), with no build tool: tests make the
 * wheels they install, so no package index is needed. Returns the wheel's path.
 */
export async function writeTestWheel(dir: string, wheel: TestWheel): Promise<string> {
  const tag = wheel.tag ?? 'py3-none-any';
  const info = `${wheel.name}-${wheel.version}.dist-info`;
  const metadata = [
    'Metadata-Version: 2.1',
    `Name: ${wheel.name}`,
    `Version: ${wheel.version}`,
    ...(wheel.requiresPython ? [`Requires-Python: ${wheel.requiresPython}`] : []),
    ...(wheel.requires ?? []).map((r) => `Requires-Dist: ${r}`),
    '',
  ].join('\n');
  const wheelFile = [
    'Wheel-Version: 1.0',
    'Generator: orange-cloud-tests',
    `Root-Is-Purelib: ${tag.endsWith('-none-any') ? 'true' : 'false'}`,
    `Tag: ${tag}`,
    '',
  ].join('\n');
  const members: [string, Uint8Array][] = [
    ...Object.entries(wheel.files),
    [`${info}/METADATA`, metadata],
    [`${info}/WHEEL`, wheelFile],
  ].map(([path, content]) => [path as string, bytesOf(content as string | Uint8Array)]);
  const record = [
    ...members.map(([path, content]) => `${path},sha256=${digest(content)},${content.length}`),
    `${info}/RECORD,,`,
    '',
  ].join('\n');
  members.push([`${info}/RECORD`, bytesOf(record)]);
  for (const [path, content] of Object.entries(wheel.rawMembers ?? {}))
    members.push([path, bytesOf(content)]);
  const path = join(dir, `${wheel.name}-${wheel.version}-${tag}.whl`);
  await writeFile(path, storedZip(members));
  return path;
}

function bytesOf(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content;
}

/** RECORD's hash form: urlsafe base64 of the SHA-256, without padding. */
function digest(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('base64url');
}

/** A zip of stored (uncompressed) members: local headers, central directory, end record. */
function storedZip(members: readonly [string, Uint8Array][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of members) {
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(content.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by Unix, spec 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(content.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, Buffer.from(content));
    centrals.push(central, fileName);
    offset += local.length + fileName.length + content.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
