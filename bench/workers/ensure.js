'use strict';
// Scenario 5, one side: a `size`-entry address list on the simulator (in this process) with 1%
// of the entries changed (comment updates, new entries, entries gone). `ensure` makes the
// router match with the routeros-ensure planner (read once, compare, pipelined writes);
// `one-at-a-time` does what a hand-written function node does: read, compare by address, then
// await every add / set / remove in turn. Both end with the same table; the run checks that.
const path = require('node:path');
const { serveWorker, collectGarbage, now, msSince } = require('../lib/child');
const { startLatencyProxy } = require('../lib/latency-proxy');

const DIST = process.env.BENCH_DIST || path.join(__dirname, '..', '..', 'dist');
const { RouterOSSimulator } = require(path.join(DIST, 'simulator'));
const { connect } = require(path.join(DIST, 'client'));
const { ensure } = require(path.join(DIST, 'desired'));

const LIST = 'bench';
const address = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** Fills the table with entries 0..size-1 (comment `c<i>`), without commands. */
function fillTable(table, size) {
  for (const row of [...table.rows()]) table.remove(row.get('.id'));
  for (let i = 0; i < size; i++) {
    table.add([
      ['list', LIST],
      ['address', address(i)],
      ['creation-time', '2025-01-01 00:00:00'],
      ['dynamic', 'false'],
      ['disabled', 'false'],
      ['comment', `c${i}`],
    ]);
  }
}

/** The desired list: 1% changed, a third each updated, removed (left out) and new. */
function desiredList(size) {
  const changed = Math.max(3, Math.round(size / 100));
  const third = Math.floor(changed / 3);
  const step = Math.floor(size / changed);
  const desired = [];
  const updated = new Set();
  const removed = new Set();
  for (let k = 0; k < third; k++) updated.add(k * step * 3);
  for (let k = 0; k < third; k++) removed.add(k * step * 3 + step);
  for (let i = 0; i < size; i++) {
    if (removed.has(i)) continue;
    desired.push({ address: address(i), comment: updated.has(i) ? `c${i} updated` : `c${i}` });
  }
  for (let k = 0; k < third; k++) desired.push({ address: address(size + k), comment: `new ${k}` });
  return { desired, changes: third * 3 };
}

const OPTIONS = {
  path: '/ip/firewall/address-list',
  keys: ['address'],
  unlisted: 'remove',
  restrict: [`?list=${LIST}`],
  skipDynamic: true,
  keepOrder: false,
  dryRun: false,
};

/** A function node's way: print, compare by address, then one awaited command per change. */
async function oneAtATime(client, desired) {
  const rows = await client.array('/ip/firewall/address-list/print', { queries: [`?list=${LIST}`] });
  const byAddress = new Map(rows.filter((r) => r.dynamic !== 'true').map((r) => [r.address, r]));
  const seen = new Set();
  for (const entry of desired) {
    const row = byAddress.get(entry.address);
    seen.add(entry.address);
    if (!row) {
      await client.call('/ip/firewall/address-list/add', { attributes: { list: LIST, ...entry } });
    } else if ((row.comment ?? '') !== entry.comment) {
      await client.call('/ip/firewall/address-list/set', { attributes: { '.id': row['.id'], comment: entry.comment } });
    }
  }
  for (const row of byAddress.values()) {
    if (!seen.has(row.address))
      await client.call('/ip/firewall/address-list/remove', { attributes: { '.id': row['.id'] } });
  }
}

function checkTable(table, desired) {
  const rows = table.rows().filter((r) => r.get('list') === LIST);
  if (rows.length !== desired.length) throw new Error(`table has ${rows.length} entries, expected ${desired.length}`);
}

serveWorker({
  async setup(args) {
    const sim = new RouterOSSimulator();
    await sim.start();
    // latencyMs > 0: through a proxy that delays each direction, as a router on a LAN or VPN is.
    const proxy = args.latencyMs > 0 ? await startLatencyProxy(sim.port, args.latencyMs) : undefined;
    const port = proxy ? proxy.port : sim.port;
    const client = await connect({ host: '127.0.0.1', port, username: 'admin', password: '' });
    return { ...args, sim, proxy, client, ...desiredList(args.size) };
  },
  async run(state) {
    const { sim, client, desired, size } = state;
    const table = sim.router.addressLists;
    fillTable(table, size);
    collectGarbage();
    const writesBefore = sim.router.writeCount();
    let compareMs;
    let totalMs;
    if (state.side === 'ensure') {
      let start = now();
      const dry = await ensure(client, desired, { ...OPTIONS, dryRun: true });
      compareMs = msSince(start);
      if (dry.diff.length !== state.changes) throw new Error(`dry run found ${dry.diff.length} changes`);
      start = now();
      const result = await ensure(client, desired, OPTIONS);
      totalMs = msSince(start);
      if (result.error) throw result.error;
    } else {
      const start = now();
      await oneAtATime(client, desired);
      totalMs = msSince(start);
    }
    checkTable(table, desired);
    return { compareMs, totalMs, writes: sim.router.writeCount() - writesBefore, changes: state.changes };
  },
  async finish(state) {
    await state.client.close();
    if (state.proxy) await state.proxy.close();
    await state.sim.stop();
    return {};
  },
});
