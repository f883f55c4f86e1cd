'use strict';
// A root hook (loaded through .mocharc.json `require`): after the last test, nothing may be left
// open — no socket, server, child process or timer that would keep Node running. The run ends by
// itself (no `exit: true`), so a leak would otherwise show only as a run that never finishes.
// The hook fails listing what is open, and if that keeps the process alive, ends it after a
// grace period so that CI reports the failure instead of hanging.
const net = require('node:net');

/** How long the hook lets closing handles finish, and how long the process may outlive the run. */
const SETTLE_MS = Number(process.env.OPEN_HANDLES_SETTLE_MS) || 2000;
const GRACE_MS = Number(process.env.OPEN_HANDLES_GRACE_MS) || 3000;

/** Handles other than stdio, described for a person: kind, addresses, command line. */
function openHandles() {
  const stdio = new Set([process.stdin, process.stdout, process.stderr]);
  return process
    ._getActiveHandles()
    .filter((handle) => !stdio.has(handle))
    .map(describe);
}

function describe(handle) {
  const kind = (handle && handle.constructor && handle.constructor.name) || typeof handle;
  if (handle instanceof net.Socket) {
    return `${kind} ${handle.localAddress}:${handle.localPort} -> ${handle.remoteAddress}:${handle.remotePort}`;
  }
  if (handle instanceof net.Server) {
    const address = handle.address();
    return `${kind} listening on ${address && typeof address === 'object' ? `${address.address}:${address.port}` : address}`;
  }
  if (Array.isArray(handle.spawnargs)) return `${kind} pid ${handle.pid}: ${handle.spawnargs.join(' ')}`;
  return kind;
}

/** Timers that keep the process alive, less `own` of the caller's (Mocha's timer for this hook). */
function openTimers(own) {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length - own;
}

function leftOpen(ownTimers = 1) {
  const list = openHandles();
  const timers = openTimers(ownTimers);
  if (timers > 0) list.push(`${timers} timer${timers === 1 ? '' : 's'} (setTimeout/setInterval)`);
  return list;
}

exports.mochaHooks = {
  async afterAll() {
    this.timeout(SETTLE_MS + 5000);
    // Sockets being closed and children exiting report over a few turns of the event loop.
    // Polled turn by turn: a polling timer would count itself.
    const started = Date.now();
    while (leftOpen().length > 0 && Date.now() - started < SETTLE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const list = leftOpen();
    if (list.length === 0) return;
    // Fires only if something keeps the process alive (an unref'd timer holds nothing itself).
    setTimeout(() => {
      console.error(`\nStill open ${GRACE_MS} ms after the run; ending it:\n  ${leftOpen(0).join('\n  ')}`);
      process.exit(1);
    }, GRACE_MS).unref();
    throw new Error(`left open after the last test:\n  ${list.join('\n  ')}`);
  },
};
