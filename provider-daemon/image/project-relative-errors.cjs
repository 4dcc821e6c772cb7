// Preloaded (`node --require`) before a job's Node.js entry, inside its container; installed in
// the node image as /usr/lib/orange-cloud/project-relative-errors.cjs by
// scripts/ensure-runtime-image.sh. A crash (an uncaught exception or unhandled rejection) is
// printed with project-relative paths (`main.js:3:7`, `lib/util.js:9:1`) instead of the
// container's job folder, as Python tracebacks are, so the requester's editor links them to its
// own files. Only the crash report changes: `error.stack` stays as it is, the exit code is 1 as
// Node's own, and a program that handles uncaught exceptions itself keeps doing so.
'use strict';
const { inspect } = require('node:util');

// The bootstrap starts the entry in the job folder; the program may change directory later.
const root = `${process.cwd()}/`;
const projectRelative = (text) => text.replaceAll(`file://${root}`, '').replaceAll(root, '');

process.on('uncaughtException', function printProjectRelative(error) {
  if (process.listenerCount('uncaughtException') > 1) return; // the program's own handler decides
  process.stderr.write(`${projectRelative(inspect(error))}\n`);
  process.exit(1);
});
