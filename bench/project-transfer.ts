/**
 * What sending a real project costs before a job is posted: packing a 10 MiB project
 * (walk, filter, tar), sealing it to a fresh job key (Umbral), storing it on the requester's
 * IPFS node, and a provider's node fetching it back over bitswap.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEmbeddedStore,
  jobKeys,
  newJobKeyLabel,
  packProject,
  sealPayload,
  walletFromSecret,
  generateMnemonic,
} from '@orange-cloud/sdk';

const RUNS = 5;
const FILES = 40;
const FILE_BYTES = 256 * 1024;

/** main.py, a helper module and 40 data files of 256 KiB of random (incompressible) bytes. */
async function makeProject(dir: string): Promise<string> {
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'pyproject.toml'), '[project]\nname = "bench"\n');
  await writeFile(
    join(dir, 'helper.py'),
    'def size(path):\n    return len(open(path, "rb").read())\n',
  );
  const entry = join(dir, 'main.py');
  await writeFile(entry, 'import helper\nprint(helper.size("data/part-0.bin"))\n');
  for (let i = 0; i < FILES; i++) {
    await writeFile(join(dir, 'data', `part-${i}.bin`), randomBytes(FILE_BYTES));
  }
  return entry;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

export async function projectTransferFigures() {
  const dir = await mkdtemp(join(tmpdir(), 'orange-bench-project-'));
  const requesterStore = await createEmbeddedStore();
  const providerStore = await createEmbeddedStore();
  try {
    const entry = await makeProject(dir);
    await providerStore.connect(requesterStore.addresses()[0]!);
    const wallet = walletFromSecret({ mnemonic: generateMnemonic() });
    const times = { packMs: [] as number[], sealMs: [] as number[], storeMs: [] as number[] };
    const fetchMs: number[] = [];
    let sealedBytes = 0;
    let projectBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      let t0 = performance.now();
      const packed = await packProject({ entryFile: entry, ceiling: dir });
      times.packMs.push(performance.now() - t0);
      projectBytes = packed.bytes.length;
      t0 = performance.now();
      const sealed = sealPayload(
        packed.bytes,
        jobKeys(wallet.umbralMasterSecret, newJobKeyLabel()),
      );
      times.sealMs.push(performance.now() - t0);
      sealedBytes = sealed.ciphertext.length;
      t0 = performance.now();
      const cid = await requesterStore.put(sealed.ciphertext);
      times.storeMs.push(performance.now() - t0);
      t0 = performance.now();
      const fetched = await providerStore.get(cid, { maxBytes: sealedBytes, timeoutMs: 60_000 });
      fetchMs.push(performance.now() - t0);
      if (fetched.length !== sealedBytes) throw new Error('the provider fetched a different size');
    }
    return {
      files: FILES + 3,
      packedMiB: round(projectBytes / 2 ** 20),
      sealedMiB: round(sealedBytes / 2 ** 20),
      packMsP50: round(median(times.packMs)),
      sealMsP50: round(median(times.sealMs)),
      storeMsP50: round(median(times.storeMs)),
      providerFetchMsP50: round(median(fetchMs)),
      runs: RUNS,
    };
  } finally {
    await Promise.allSettled([requesterStore.stop(), providerStore.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}
