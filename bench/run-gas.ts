/**
 * `npm run bench:gas`: the lifecycle gas figures alone (a devnet of their own, no Docker);
 * replaces `gas.lifecycle` in bench/results.json.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { lifecycleGasFigures, printLifecycleGas } from './gas.js';

const figures = await lifecycleGasFigures();
printLifecycleGas(figures);
const file = fileURLToPath(new URL('./results.json', import.meta.url));
const results = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as {
  gas?: Record<string, unknown>;
};
await writeFile(
  file,
  JSON.stringify({ ...results, gas: { ...results.gas, lifecycle: figures } }, null, 2) + '\n',
);
console.log(`lifecycle gas written to ${file}`);
