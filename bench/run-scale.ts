/**
 * `npm run bench:scale`: the scale section alone (it takes a while); replaces `scale` in
 * bench/results.json and leaves the other figures as they are.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printScale, scaleFigures } from './scale.js';

const file = fileURLToPath(new URL('./results.json', import.meta.url));
const scale = await scaleFigures();
printScale(scale);
const results = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<
  string,
  unknown
>;
await writeFile(file, JSON.stringify({ ...results, scale }, null, 2) + '\n');
console.log(`scale written to ${file}`);
