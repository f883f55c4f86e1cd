'use strict';
// Open file descriptors of this process, and the limit on them (Linux /proc; elsewhere unknown).
// Node raises its soft limit to the hard one at start-up, so the hard limit is what counts.
const fs = require('node:fs');

/** File descriptors open now, or undefined where /proc/self/fd does not exist. */
function openFds() {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/** The most file descriptors this process may open, or undefined when unknown. */
function fdLimit() {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line && line.split(/\s{2,}/)[1];
    return soft === 'unlimited' ? Infinity : Number(soft) || undefined;
  } catch {
    return undefined;
  }
}

/** Throws a clear error when this process may not open `wanted` descriptors. */
function requireFds(wanted, what) {
  const limit = fdLimit();
  if (limit !== undefined && limit < wanted) {
    throw new Error(
      `${what} needs about ${wanted} open files, the limit here is ${limit}: raise it (ulimit -Hn / -n) or run a smaller fleet`,
    );
  }
}

module.exports = { openFds, fdLimit, requireFds };
