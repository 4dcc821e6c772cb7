/**
 * `npm run bench:operator`: the operator section alone (sustained-jobs.ts: the daemon's idle
 * memory and sustained hello jobs a minute on 2 cores); replaces `operator` in
 * bench/results.json and leaves the other figures as they are.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sustainedJobs } from './sustained-jobs.js';

const file = fileURLToPath(new URL('./results.json', import.meta.url));
const operator = await sustainedJobs();
console.log('provider daemon, one process offering 2 cores:', operator);
const results = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<
  string,
  unknown
>;
await writeFile(file, JSON.stringify({ ...results, operator }, null, 2) + '\n');
console.log(`operator written to ${file}`);
