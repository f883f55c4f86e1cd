'use strict';
// Scenario 5, the fleet listen: one routeros-fleet node with the given routers and one
// routeros-listen node on it (routers "*", `/interface/listen`, a tag, started at deploy),
// wired to a helper node whose input handler counts: Node-RED's messaging without a function
// node. The routers' process (workers/fleet-sim.js) makes the interface changes; the scenario
// tells this worker when to start counting and how many events were sent.
// Messages (`run` params): { action: 'seen', timeoutMs } → routers an event came from since the
// last reset (waits until every one or the timeout); { action: 'reset' } → counts back to 0;
// { action: 'collect', want, timeoutMs } → waits until `want` events arrived (or the timeout)
// and returns how many, the time from the first to the last, the least and most per router, and
// the CPU time this process spent meanwhile.
const { serveWorker, collectGarbage, now, msSince } = require('../lib/child');
const { CREDENTIALS } = require('../lib/clients');
const { requireFds } = require('../lib/fds');
const { startRuntime, waitFor } = require('../lib/node-red');

function listenFlow(ports, names) {
  const list = ports.map((port, i) => `${names[i]} 127.0.0.1:${port}`).join('\n');
  const flow = [
    { id: 'tab', type: 'tab', label: 'bench' },
    {
      id: 'fleet',
      type: 'routeros-fleet',
      routers: list,
      port: '8728',
      username: CREDENTIALS.username,
      useTls: false,
      encoding: 'utf8',
      timeout: '10',
      keepalive: '30',
      loginRetry: '300',
      maxConnections: String(ports.length),
      concurrency: '100',
      idleTimeout: '300',
      allowUnlisted: false,
      shardIndex: '1',
      shardCount: '1',
    },
    {
      id: 'listen',
      type: 'routeros-listen',
      z: 'tab',
      targetType: 'fleet',
      fleet: 'fleet',
      routers: '*',
      command: '/interface/listen',
      tag: 'bench-listen',
      autoStart: true,
      parseValues: false,
      wires: [['count']],
    },
    { id: 'count', type: 'helper', z: 'tab' },
  ];
  return { flow, credentials: { fleet: { password: CREDENTIALS.password } } };
}

serveWorker({
  async setup({ ports, names }) {
    requireFds(ports.length + 200, 'the fleet listen side of the fleet bench');
    const rt = await startRuntime();
    const { flow, credentials } = listenFlow(ports, names);
    await rt.loadFlow(['routeros-fleet', 'routeros-listen'], flow, credentials);
    const state = { rt, routers: ports.length, perRouter: new Map(), received: 0, first: undefined, lastMs: 0 };
    rt.getNode('count').on('input', (msg) => {
      if (state.received === 0) {
        state.first = now();
        state.cpuAtFirst = process.cpuUsage();
      }
      state.received++;
      state.perRouter.set(msg.router, (state.perRouter.get(msg.router) ?? 0) + 1);
      state.lastMs = msSince(state.first);
      state.cpuAtLast = process.cpuUsage(state.cpuAtFirst);
    });
    return state;
  },
  async run(state, params) {
    const reset = () => {
      state.perRouter.clear();
      state.received = 0;
      state.first = undefined;
      state.lastMs = 0;
    };
    switch (params.action) {
      case 'reset':
        reset();
        collectGarbage();
        return {};
      case 'seen':
        await waitFor(() => state.perRouter.size >= state.routers, params.timeoutMs, 'every router').catch(
          () => undefined,
        );
        return { seen: state.perRouter.size };
      case 'collect': {
        await waitFor(() => state.received >= params.want, params.timeoutMs, 'every event').catch(() => undefined);
        const counts = [...state.perRouter.values()];
        return {
          received: state.received,
          ms: state.lastMs,
          // CPU this process used from the first event to the last, in ms (user + system).
          cpuMs: state.cpuAtLast ? (state.cpuAtLast.user + state.cpuAtLast.system) / 1000 : 0,
          routers: counts.length,
          least: counts.length < state.routers ? 0 : Math.min(...counts),
          most: counts.length ? Math.max(...counts) : 0,
        };
      }
      default:
        throw new Error(`unknown action ${params.action}`);
    }
  },
  async finish({ rt }) {
    await rt.stop();
    return {};
  },
});
