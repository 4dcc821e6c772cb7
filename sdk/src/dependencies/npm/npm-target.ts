/**
 * The platform a prepared npm tree must fit: the one of the runtime's image, in npm's own
 * words (`process.platform`, `process.arch`, and the `libc` field of package.json). Packages
 * that ship a native build per platform as optional dependencies (`@esbuild/linux-x64`...)
 * are picked for it, not for the requester's machine.
 */
export interface NpmTarget {
  os: string;
  cpu: string;
  libc: 'glibc' | 'musl';
  /** How the target is shown to users, e.g. `Linux x86-64 (glibc)`. */
  label: string;
}

const CPUS: Readonly<Record<string, { cpu: string; label: string }>> = {
  x86_64: { cpu: 'x64', label: 'x86-64' },
  aarch64: { cpu: 'arm64', label: 'ARM64' },
};

/**
 * The npm target of a runtime that advertises a platform like `linux-x86_64` and a libc like
 * `glibc-2.36`; undefined for one this client cannot name in npm's terms.
 */
export function npmTarget(platform: string, libc: string): NpmTarget | undefined {
  const arch = /^linux-(x86_64|aarch64)$/.exec(platform)?.[1];
  const family = /^(glibc|musl)(?:-[\d.]+)?$/.exec(libc)?.[1] as NpmTarget['libc'] | undefined;
  if (!arch || !family) return undefined;
  const { cpu, label } = CPUS[arch]!;
  return { os: 'linux', cpu, libc: family, label: `Linux ${label} (${family})` };
}

/** The project's images: Debian 12 on x86-64. */
export const LINUX_X64_GLIBC: NpmTarget = npmTarget('linux-x86_64', 'glibc-2.36')!;
