'use strict';
// Scenario 5, the Node-RED sides, in node-red-node-test-helper's runtime (its test spies taken
// off, see lib/node-red.js), a fan-out of `/system/resource/print` to every router:
//   handmade    what a user builds today: one routeros-connection and one routeros-command node
//               per router, and one node wired to all the command nodes (as an inject would be);
//               warm only (the connection nodes connect at deploy), plus Node-RED's memory per
//               router and the open file descriptors;
//   fleet-node  one routeros-fleet node with the whole list and one routeros-command node on it
//               with routers "*": cold (a freshly deployed flow: connect + login) and warm.
// A run ends when every router's message has arrived (and, on a fleet, the summary).
const { serveWorker, collectGarbage, now, msSince } = require('../lib/child');
const { CREDENTIALS } = require('../lib/clients');
const { openFds, requireFds } = require('../lib/fds');
const { startRuntime, waitFor } = require('../lib/node-red');
const { summary } = require('../lib/stats');

const COMMAND = '/system/resource/print';
/** Untimed fan-outs before the warm ones, as in workers/fleet.js (a flow in steady use). */
const WARM_UPS = 5;
const WARM_RUNS = 3;

/** Sends one message from `fan` and resolves when `want` messages reached `out` (and `sum`). */
function fanOutOnce(rt, want, { timeoutMs, withSummary }) {
  const out = rt.getNode('out');
  const sum = withSummary ? rt.getNode('sum') : undefined;
  return new Promise((resolve, reject) => {
    let count = 0;
    let summaryMsg;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${count} of ${want} replies${withSummary ? ', no summary' : ''} within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = () => {
      if (count < want || (sum && !summaryMsg)) return;
      cleanup();
      resolve({ ms: msSince(start), summary: summaryMsg && summaryMsg.payload });
    };
    const onOut = (msg) => {
      const row = Array.isArray(msg.payload) ? msg.payload[0] : msg.payload;
      if (!row || typeof row.version !== 'string') {
        cleanup();
        reject(new Error(`unexpected reply ${JSON.stringify(msg.payload)}`));
        return;
      }
      count++;
      check();
    };
    const onSum = (msg) => {
      summaryMsg = msg;
      check();
    };
    const cleanup = () => {
      clearTimeout(timer);
      out.off('input', onOut);
      if (sum) sum.off('input', onSum);
    };
    out.on('input', onOut);
    if (sum) sum.on('input', onSum);
    const start = now();
    rt.getNode('fan').send({ payload: Date.now() });
  });
}

function handmadeFlow(ports) {
  const flow = [{ id: 'tab', type: 'tab', label: 'bench' }];
  const credentials = {};
  const commands = [];
  ports.forEach((port, i) => {
    const conn = `conn-${i}`;
    const cmd = `cmd-${i}`;
    flow.push(
      {
        id: conn,
        type: 'routeros-connection',
        host: '127.0.0.1',
        port: String(port),
        username: CREDENTIALS.username,
        useTls: false,
        encoding: 'utf8',
        timeout: '10',
        keepalive: '30',
        loginRetry: '300',
      },
      {
        id: cmd,
        type: 'routeros-command',
        z: 'tab',
        targetType: 'connection',
        connection: conn,
        command: COMMAND,
        mode: 'oneshot',
        wires: [['out']],
      },
    );
    credentials[conn] = { password: CREDENTIALS.password };
    commands.push(cmd);
  });
  flow.push({ id: 'fan', type: 'helper', z: 'tab', wires: [commands] }, { id: 'out', type: 'helper', z: 'tab' });
  return { flow, credentials };
}

function fleetFlow(ports, names, { concurrency, maxConnections }) {
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
      maxConnections: String(maxConnections),
      concurrency: String(concurrency),
      idleTimeout: '300',
      allowUnlisted: false,
      shardIndex: '1',
      shardCount: '1',
    },
    {
      id: 'cmd',
      type: 'routeros-command',
      z: 'tab',
      targetType: 'fleet',
      fleet: 'fleet',
      routers: '*',
      command: COMMAND,
      mode: 'oneshot',
      outputs: 2,
      wires: [['out'], ['sum']],
    },
    { id: 'fan', type: 'helper', z: 'tab', wires: [['cmd']] },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'sum', type: 'helper', z: 'tab' },
  ];
  return { flow, credentials: { fleet: { password: CREDENTIALS.password } } };
}

const sides = {
  handmade: {
    async setup(args) {
      const count = args.ports.length;
      requireFds(count + 200, 'the hand-made Node-RED side of the fleet bench');
      const rt = await startRuntime();
      collectGarbage();
      const before = { rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed, fds: openFds() };
      const { flow, credentials } = handmadeFlow(args.ports);
      await rt.loadFlow(['routeros-connection', 'routeros-command'], flow, credentials);
      await waitFor(
        () => flow.every((n) => n.type !== 'routeros-connection' || rt.getNode(n.id).session?.connected),
        60_000,
        `${count} connection nodes connected`,
      );
      for (let i = 0; i < WARM_UPS; i++) await fanOutOnce(rt, count, { timeoutMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      collectGarbage();
      const after = { rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed, fds: openFds() };
      const memory = {
        routers: count,
        rssPerRouter: (after.rss - before.rss) / count,
        heapPerRouter: (after.heap - before.heap) / count,
        fdsBefore: before.fds,
        fdsAfter: after.fds,
      };
      return { rt, count, memory };
    },
    async run({ rt, count }) {
      const warm = [];
      for (let i = 0; i < WARM_RUNS; i++) {
        collectGarbage();
        warm.push((await fanOutOnce(rt, count, { timeoutMs: 60_000 })).ms);
      }
      return { warm: summary(warm).median };
    },
    async finish({ rt, memory }) {
      await rt.stop();
      return { memory };
    },
  },

  'fleet-node': {
    async setup(args) {
      requireFds(args.ports.length + 200, 'the fleet node side of the fleet bench');
      const rt = await startRuntime();
      const state = { rt, ...args };
      await sides['fleet-node'].run(state); // warm-up
      return state;
    },
    async run(state) {
      const { rt, ports, names } = state;
      const count = ports.length;
      // A fresh deploy: the fleet's pool starts empty, so the first fan-out connects and logs in.
      await rt.unload();
      const { flow, credentials } = fleetFlow(ports, names, state);
      await rt.loadFlow(['routeros-fleet', 'routeros-command'], flow, credentials);
      collectGarbage();
      const check = (run, what) => {
        if (run.summary.ok.length !== count) {
          throw new Error(
            `${what}: ${run.summary.ok.length} of ${count} ok ${JSON.stringify(run.summary.failed).slice(0, 300)}`,
          );
        }
        return run.ms;
      };
      const cold = check(await fanOutOnce(rt, count, { timeoutMs: 60_000, withSummary: true }), 'cold');
      const warm = [];
      for (let i = 0; i < WARM_UPS + WARM_RUNS; i++) {
        collectGarbage();
        const ms = check(await fanOutOnce(rt, count, { timeoutMs: 60_000, withSummary: true }), 'warm');
        if (i >= WARM_UPS) warm.push(ms);
      }
      return { cold, warm: summary(warm).median };
    },
    async finish({ rt }) {
      await rt.stop();
      return {};
    },
  },
};

const side = JSON.parse(process.argv[2] || '{}').side;
serveWorker({
  setup: (args) => sides[side].setup(args),
  run: (state, params) => sides[side].run(state, params ?? {}),
  finish: (state) => sides[side].finish(state),
});
