/**
 * The reads a first start cannot skip, and nothing else: `node scripts/first-start-reads.cjs DIR
 * PROCESSES HEAD_BYTES`. It forks PROCESSES processes, lists every article file of DIR as the
 * file-system floor does, hands each process an equal share, and each opens, stats, reads the
 * first HEAD_BYTES of and closes its files, as a first start's indexing processes do before any
 * front matter is parsed. With PROCESSES 0 it reads them itself, as a first start over a small
 * folder does. `npm run bench` times it from spawn to exit, beside the floor, to show
 * how much of a cold start is the file system and how much is the work done on what was read.
 *
 * Plain CommonJS with no imports of ours, so that loading it costs what loading Node costs.
 */
const { closeSync, fstatSync, openSync, readdirSync, readSync } = require('node:fs');
const { fork } = require('node:child_process');
const { join } = require('node:path');

function readHeads(paths, headBytes) {
  const buffer = Buffer.allocUnsafe(headBytes);
  for (const path of paths) {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, Math.min(headBytes, fstatSync(fd).size), 0);
    } finally {
      closeSync(fd);
    }
  }
}

if (process.send) {
  process.once('message', ({ paths, headBytes }) => {
    readHeads(paths, headBytes);
    process.send('done', () => process.exit(0));
  });
} else {
  const [dir, processes, headBytes] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
  if (!dir || !(processes >= 0) || !(headBytes >= 1)) throw new Error('usage: node scripts/first-start-reads.cjs DIR PROCESSES HEAD_BYTES');
  // Forked before the listing, as a first start forks its processes while it lists.
  const children = Array.from({ length: processes }, () => fork(__filename, [], { stdio: 'inherit', serialization: 'advanced' }));
  const paths = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.(md|markdown|txt)$/i.test(entry.name)) paths.push(join(entry.parentPath, entry.name));
  }
  if (processes === 0) readHeads(paths, headBytes);
  const share = Math.ceil(paths.length / Math.max(1, processes));
  children.forEach((child, at) => {
    child.once('exit', (code) => {
      if (code !== 0) process.exitCode = 1;
    });
    child.send({ paths: paths.slice(at * share, (at + 1) * share), headBytes });
  });
}
