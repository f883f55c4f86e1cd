'use strict';
// Scenario 5, the routers: a fleet of simulated routers in a process of its own (so the measured
// sides' memory and file descriptors are theirs alone), on loopback ports the system picks.
// Messages (`run` params): { action: 'ports' } → every router's port; { action: 'stall',
// indexes } → those routers accept connections and never answer (the others behave again);
// { action: 'free-ports', count } → loopback ports nothing listens on (bound, then released);
// { action: 'connections' } → connections open now and accepted so far; { action: 'changes',
// count, perRouter } → the first `count` routers each change ether1's comment `perRouter` times
// (a listen streams each as a `!re`), round after round over the routers, yielding to the event
// loop between rounds so the sockets drain as it goes; returns the changes made, the time and
// the CPU time it took.
const net = require('node:net');
const path = require('node:path');
const { serveWorker, now, msSince } = require('../lib/child');
const { ROOT, CREDENTIALS } = require('../lib/clients');
const { openFds, requireFds } = require('../lib/fds');

/** Changes per router and round, at least ~50 changes per round however few routers. */
const CHANGES_PER_ROUND = 50;
/** Comments never repeat one after the other (setting the same value is no change, no event). */
let serial = 0;

/** Interface changes on the first `count` routers, `perRouter` each; bounded by both. */
async function makeChanges(fleet, count, perRouter) {
  const routers = fleet.routers.slice(0, count).map((sim) => sim.router);
  const batch = Math.max(1, Math.ceil(CHANGES_PER_ROUND / routers.length));
  const started = now();
  const cpu = process.cpuUsage();
  let made = 0;
  for (let k = 0; k < perRouter; k += batch) {
    const upTo = Math.min(perRouter, k + batch);
    const first = serial;
    serial += upTo - k;
    for (const router of routers) {
      for (let j = 0; j < upTo - k; j++) router.setInterface('ether1', { comment: `bench ${first + j}` });
    }
    made += routers.length * (upTo - k);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(cpu);
  return { made, ms: msSince(started), cpuMs: (used.user + used.system) / 1000 };
}

/** Binds `count` ephemeral loopback ports at once (so they differ), then releases them. */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

serveWorker({
  async setup({ count }) {
    // A listening socket per router, and an accepted one per client connection: up to four
    // sides hold a connection to every router at once.
    requireFds(5 * count + 100, `a fleet of ${count} simulated routers`);
    const { RouterOSFleetSimulator } = require(path.join(ROOT, 'dist', 'simulator'));
    const fleet = new RouterOSFleetSimulator({ count, username: CREDENTIALS.username, password: CREDENTIALS.password });
    const before = process.memoryUsage.rss();
    await fleet.start();
    return { fleet, rssPerRouter: (process.memoryUsage.rss() - before) / count };
  },
  async run({ fleet, rssPerRouter }, params) {
    switch (params.action) {
      case 'ports':
        return { ports: fleet.ports, names: fleet.names, rssPerRouter, fds: openFds() };
      case 'stall': {
        const stalled = new Set(params.indexes);
        fleet.routers.forEach((router, i) => {
          // Connections made while stalled would stay silent for ever: drop them when it ends.
          if (router.faults.stall && !stalled.has(i)) router.dropAll();
          router.faults.stall = stalled.has(i);
        });
        return { stalled: stalled.size };
      }
      case 'free-ports':
        return { ports: await freePorts(params.count) };
      case 'connections':
        return { open: fleet.openConnections, total: fleet.totalConnections };
      case 'changes':
        return makeChanges(fleet, params.count, params.perRouter);
      default:
        throw new Error(`unknown action ${params.action}`);
    }
  },
  async finish({ fleet }) {
    await fleet.stop();
    return {};
  },
});
