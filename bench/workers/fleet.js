'use strict';
// Scenario 5, one client side of a fan-out of `/system/resource/print` to every router of the
// simulated fleet, `concurrency` routers at once:
//   ours           RouterPool + fanOut from dist/client, with the session settings the
//                  routeros-fleet node uses: cold (a new pool: connect + login + command) and
//                  warm (the same pool again), plus the faults runs and the memory figures;
//   node-routeros  connect-per-message: a new connection and login per router, the command,
//                  close (what users of packs that take host and credentials per message get).
// Run params: { mode: 'pair' } cold then warm (median of WARM_RUNS after WARM_UPS) (ours), { mode: 'connect' } (node-routeros),
// { mode: 'faults', routers, healthy, timeoutMs } one cold and one warm fan-out over a list with
// refusing and silent routers (ours), { mode: 'memory' } RSS and file descriptors per pooled
// connection (ours, in a process started with `memoryProbe`).
const { serveWorker, collectGarbage, now, msSince } = require('../lib/child');
const path = require('node:path');
const { CREDENTIALS, DIST, ours } = require('../lib/clients');
// The fleet node's own session settings, so the bench measures what the node runs.
const { sessionOptions } = require(path.join(DIST, 'nodes', 'shared', 'settings'));
const { openFds, requireFds } = require('../lib/fds');
const { forEachLimit } = require('../lib/limit');
const { summary } = require('../lib/stats');

const COMMAND = '/system/resource/print';
/**
 * Fan-outs on a new pool before the warm ones are timed: the first few on fresh connections are
 * slower (both processes still allocate per-connection state, the kernel acknowledges the first
 * segments of a new connection at once); "warm" is a pool in steady use, as in a long-running flow.
 */
const WARM_UPS = 5;
const WARM_RUNS = 3;

/** The session settings a routeros-fleet node gives its pool (with its keepalive and login retry defaults). */
function fleetSession(timeoutMs) {
  return sessionOptions({
    username: CREDENTIALS.username,
    password: CREDENTIALS.password,
    encoding: 'utf8',
    timeoutMs,
    keepaliveMs: 30_000,
    loginRetryMs: 300_000,
  });
}

function checkRow(row, where) {
  if (!row || typeof row.version !== 'string' || typeof row.uptime !== 'string') {
    throw new Error(`${where}: unexpected reply ${JSON.stringify(row)}`);
  }
}

/**
 * One fan-out through the pool. Resolves { ms, summary, lastOkMs }: lastOkMs is when the last
 * router in `healthy` answered (all routers when it is not given).
 */
async function fanOutOnce(pool, routers, concurrency, timeoutMs, healthy) {
  const { fanOut } = ours();
  let lastOkMs = 0;
  const start = now();
  const result = await fanOut(
    routers,
    concurrency,
    (router) => pool.call(router, COMMAND, undefined, { timeout: timeoutMs }),
    (outcome) => {
      if (!outcome.ok) return;
      checkRow(outcome.value.rows[0], outcome.name);
      if (!healthy || healthy.has(outcome.name)) lastOkMs = msSince(start);
    },
  );
  return { ms: msSince(start), summary: result, lastOkMs };
}

function expectAll(result, count, what) {
  const failed = Object.entries(result.summary.failed);
  if (result.summary.ok.length !== count) {
    const first = failed[0] ? `${failed[0][0]}: ${failed[0][1].code} ${failed[0][1].message}` : '';
    throw new Error(`${what}: ${result.summary.ok.length} of ${count} routers answered; ${first}`);
  }
}

const sides = {
  ours: {
    async setup(args) {
      requireFds(args.ports.length + 200, 'our side of the fleet bench');
      const state = {
        ...args,
        pool: undefined,
        routers: args.ports.map((port, i) => ({ name: args.names[i], host: '127.0.0.1', port })),
      };
      state.newPool = async (timeoutMs = args.timeoutMs) => {
        if (state.pool) await state.pool.close();
        state.pool = new (ours().RouterPool)({
          session: fleetSession(timeoutMs),
          maxConnections: args.maxConnections,
          idleTimeout: 0,
        });
        return state.pool;
      };
      if (args.memoryProbe) {
        // A process of its own for the memory figures: the code paths are warmed on a few
        // routers only, so the heap has not already grown to hold a thousand connections.
        const pool = await state.newPool();
        const few = state.routers.slice(0, 20);
        expectAll(await fanOutOnce(pool, few, args.concurrency, args.timeoutMs), few.length, 'warm-up');
        await pool.close();
        state.pool = undefined;
        return state;
      }
      // Warm-up: JIT the code paths once (cold and warm) before anything is measured.
      await sides.ours.run(state, { mode: 'pair' });
      return state;
    },
    async run(state, params) {
      const { routers, concurrency, timeoutMs } = state;
      if (params.mode === 'pair') {
        const pool = await state.newPool();
        collectGarbage();
        const cold = await fanOutOnce(pool, routers, concurrency, timeoutMs);
        expectAll(cold, routers.length, 'cold fan-out');
        const warm = [];
        for (let i = 0; i < WARM_UPS + WARM_RUNS; i++) {
          collectGarbage();
          const run = await fanOutOnce(pool, routers, concurrency, timeoutMs);
          expectAll(run, routers.length, 'warm fan-out');
          if (i >= WARM_UPS) warm.push(run.ms);
        }
        return { cold: cold.ms, warm: summary(warm).median, pooled: pool.size };
      }
      if (params.mode === 'faults') {
        const healthy = new Set(params.healthy);
        const list = params.routers;
        const pool = await state.newPool(params.timeoutMs);
        collectGarbage();
        const cold = await fanOutOnce(pool, list, concurrency, params.timeoutMs, healthy);
        collectGarbage();
        const warm = await fanOutOnce(pool, list, concurrency, params.timeoutMs, healthy);
        const shape = (r) => ({
          ms: r.ms,
          lastOkMs: r.lastOkMs,
          ok: r.summary.ok.length,
          failed: Object.keys(r.summary.failed).length,
          codes: countCodes(r.summary.failed),
          healthyOk: r.summary.ok.filter((name) => healthy.has(name)).length,
        });
        await state.pool.close();
        state.pool = undefined;
        return { cold: shape(cold), warm: shape(warm) };
      }
      if (params.mode === 'memory') {
        if (state.pool) await state.pool.close();
        state.pool = undefined;
        await settle();
        const before = { rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed, fds: openFds() };
        const pool = await state.newPool();
        const cold = await fanOutOnce(pool, routers, concurrency, timeoutMs);
        expectAll(cold, routers.length, 'memory fan-out');
        await settle();
        const after = { rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed, fds: openFds() };
        const pooled = pool.size;
        return {
          pooled,
          rssPerConnection: (after.rss - before.rss) / pooled,
          heapPerConnection: (after.heap - before.heap) / pooled,
          fdsBefore: before.fds,
          fdsAfter: after.fds,
        };
      }
      throw new Error(`ours: unknown mode ${params.mode}`);
    },
    async finish(state) {
      if (state.pool) await state.pool.close();
      return {};
    },
  },

  'node-routeros': {
    async setup(args) {
      requireFds(args.concurrency + 200, 'the node-routeros side of the fleet bench');
      const state = { ...args };
      await sides['node-routeros'].run(state, { mode: 'connect' }); // warm-up
      return state;
    },
    async run({ ports, concurrency, timeoutMs }) {
      const { RouterOSAPI } = require('node-routeros');
      collectGarbage();
      const start = now();
      const failures = await forEachLimit(ports, concurrency, async (port) => {
        const api = new RouterOSAPI({
          host: '127.0.0.1',
          port,
          user: CREDENTIALS.username,
          password: CREDENTIALS.password,
          timeout: Math.ceil(timeoutMs / 1000),
        });
        await api.connect();
        try {
          const rows = await api.write(COMMAND);
          checkRow(rows[0], `port ${port}`);
        } finally {
          await api.close();
        }
      });
      const ms = msSince(start);
      if (failures.length) {
        throw new Error(`node-routeros: ${failures.length} of ${ports.length} failed; ${failures[0].error.message}`);
      }
      return { ms };
    },
    finish() {
      return {};
    },
  },
};

function countCodes(failed) {
  const codes = {};
  for (const { code } of Object.values(failed)) codes[code] = (codes[code] ?? 0) + 1;
  return codes;
}

/** Lets closing sockets finish and collects the garbage, so memory figures are steady. */
async function settle() {
  await new Promise((resolve) => setTimeout(resolve, 200));
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 50));
  collectGarbage();
}

const side = JSON.parse(process.argv[2] || '{}').side;
serveWorker({
  setup: (args) => sides[side].setup(args),
  run: (state, params) => sides[side].run(state, params ?? {}),
  finish: (state) => sides[side].finish(state),
});
