// Runs `npm test` in every workspace, in the order package.json lists them, and goes on past a
// failure. CI keeps only the tail of what a run prints, so the tail is a summary: each workspace's
// result and, for a failed one, its test runner's failure report again.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

const FAILURE_MARKER = /^\s*\d+ failing\b/;
const TAIL_LINES = 60;
const KEPT_LINES = 5000;

/** Runs one workspace's tests, passing its output through and keeping its last lines. */
function runWorkspace(workspace) {
  return new Promise((resolve) => {
    const lines = [];
    let partial = '';
    const keep = (chunk) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
    };
    const child = spawn('npm', ['test', '--if-present', '-w', workspace], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      keep(chunk);
    });
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      keep(chunk);
    });
    child.on('close', (code, signal) => {
      if (partial) lines.push(partial);
      resolve({ workspace, code: code ?? 1, signal, lines });
    });
  });
}

/** The failure report of a failed run: from its last "N failing" line, or its last lines. */
function failureReport(lines) {
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (FAILURE_MARKER.test(lines[i])) {
      start = i;
      break;
    }
  }
  return start >= 0 ? lines.slice(start, start + 200) : lines.slice(-TAIL_LINES);
}

// Workspaces named on the command line, or all of them.
const named = process.argv.slice(2);
const { workspaces: all } = JSON.parse(await readFile('package.json', 'utf8'));
const workspaces = named.length > 0 ? named : all;
const results = [];
for (const workspace of workspaces) results.push(await runWorkspace(workspace));

console.log('\n==== test summary ====');
for (const { workspace, code, signal } of results)
  console.log(`${code === 0 ? 'passed' : 'FAILED'}  ${workspace}${signal ? ` (${signal})` : ''}`);
const failed = results.filter((result) => result.code !== 0);
for (const { workspace, lines } of failed) {
  console.log(`\n==== ${workspace}: what failed ====`);
  console.log(failureReport(lines).join('\n'));
}
process.exitCode = failed.length > 0 ? 1 : 0;
