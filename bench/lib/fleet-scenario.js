'use strict';
// Scenario 5, fleets: a fan-out of `/system/resource/print` to every router of a simulated fleet
// (its own process, workers/fleet-sim.js), `concurrency` at once. Sides, each in its own process
// and taking turns round by round:
//   ours        RouterPool + fanOut from dist/client (workers/fleet.js), cold and warm
//   (a)         node-routeros, a new connection and login per router (workers/fleet.js)
//   (b)         hand-made routeros-connection + routeros-command nodes, one pair per router, in
//               Node-RED (workers/fleet-node-red.js), warm
//   fleet node  one routeros-fleet + one routeros-command on it in Node-RED, cold and warm
// then the memory and file descriptors of the pool, and fan-outs with refusing and silent
// routers among the others. Returns { title, rows, failures } for the fleet table.
const { runRounds, WorkerProcess } = require('./child');
const { summary, num, si, spread } = require('./stats');

const ms = (v) => `${num(v)} ms`;
const kb = (bytes) => `${num(bytes / 1024)} KB`;
const times = (x) => (Number.isFinite(x) ? `${num(x)}×` : '—');

function target(met, text) {
  return { target: text, status: met ? 'met' : 'MISSED' };
}

/** Per-round ratios a[i] / b[i] (both ran in the same round, next to each other). */
function paired(a, b) {
  const n = Math.min(a.length, b.length);
  return summary(a.slice(0, n).map((x, i) => x / b[i]));
}

/**
 * The list with faults: every 10th router (from the 5th) refuses (a free port), every 20th
 * (from the 10th) accepts and never answers; spread through the list as outages are.
 */
function faultyList(names, ports, freePorts, { refused, silent }) {
  const routers = [];
  const healthy = [];
  const stalled = [];
  let r = 0;
  let s = 0;
  names.forEach((name, i) => {
    if (i % 10 === 4 && r < refused) {
      routers.push({ name, host: '127.0.0.1', port: freePorts[r++] });
    } else if (i % 20 === 9 && s < silent) {
      s++;
      stalled.push(i);
      routers.push({ name, host: '127.0.0.1', port: ports[i] });
    } else {
      healthy.push(name);
      routers.push({ name, host: '127.0.0.1', port: ports[i] });
    }
  });
  return { routers, healthy, stalled, refusedCount: r, silentCount: s };
}

/**
 * Events/s through a routeros-listen node on a fleet of `ports.length` routers
 * (workers/fleet-listen.js) while the routers' process changes an interface on each of them
 * (workers/fleet-sim.js, `events` changes in all, spread evenly): a warm-up, then `rounds`.
 * The rate is the events counted over the time from the first to the last at the counting node.
 */
async function measureListen(sim, ports, names, { events, rounds, timeoutMs }) {
  const count = ports.length;
  const perRouter = Math.max(1, Math.round(events / count));
  const worker = new WorkerProcess('fleet-listen', { ports, names });
  try {
    await worker.next(undefined, 120_000);
    // Ready once an event from every router came through (the streams are up): bounded tries.
    let seen = 0;
    for (let tries = 0; tries < 30 && seen < count; tries++) {
      await sim.next({ type: 'run', params: { action: 'changes', count, perRouter: 1 } }, 30_000);
      ({ seen } = await worker.next({ type: 'run', params: { action: 'seen', timeoutMs: 1000 } }, 30_000));
    }
    if (seen < count) throw new Error(`events from only ${seen} of ${count} routers`);
    const runs = [];
    for (let round = 0; round <= rounds; round++) {
      await worker.next({ type: 'run', params: { action: 'reset' } }, 30_000);
      const made = await sim.next({ type: 'run', params: { action: 'changes', count, perRouter } }, timeoutMs);
      const got = await worker.next(
        { type: 'run', params: { action: 'collect', want: made.made, timeoutMs } },
        timeoutMs + 30_000,
      );
      if (round > 0) runs.push({ ...got, made: made.made, makeMs: made.ms, makeCpuMs: made.cpuMs });
    }
    await worker.next({ type: 'finish' }, 30_000);
    const rate = summary(runs.map((r) => r.received / (r.ms / 1000)));
    const makeRate = summary(runs.map((r) => r.made / (r.makeMs / 1000)));
    const made = runs.reduce((n, r) => n + r.made, 0);
    const lost = made - runs.reduce((n, r) => n + r.received, 0);
    const even = runs.every((r) => r.least === perRouter && r.most === perRouter);
    // CPU time per event in each process: on a shared 2-core machine neither process gets a
    // core of its own, so the rate follows the CPU they get; these say where it goes.
    const perEvent = (cpu, n) => `${spread(summary(runs.map((r) => (1000 * r[cpu]) / r[n])), (v) => num(v))} µs`;
    return {
      measure: `listen on ${count} router${count === 1 ? '' : 's'} of a fleet, events/s through routeros-listen to a counting node`,
      ours: `${spread(rate, si)} events/s`,
      a: '',
      b: '',
      vsA: '',
      vsB: '',
      target: '— (measured)',
      status: '',
      note: `${perRouter} events per router per round, ${lost} lost of ${made} sent${
        even ? '' : ', NOT the same count from every router'
      }; the routers' process made them at ${spread(makeRate, si)} events/s; CPU per event: Node-RED ${perEvent('cpuMs', 'received')}, routers ${perEvent('makeCpuMs', 'made')}`,
    };
  } catch (err) {
    worker.kill();
    throw err;
  }
}

async function runFleet(config, { log = () => undefined } = {}) {
  const { count, concurrency, rounds, faultRounds, faultTimeoutMs } = config;
  const rows = [];
  const failures = [];
  const sim = new WorkerProcess('fleet-sim', { count });
  let simInfo;
  try {
    await sim.next(undefined, 120_000);
    simInfo = await sim.next({ type: 'run', params: { action: 'ports' } }, 10_000);
    const { ports, names } = simInfo;
    const args = { ports, names, concurrency, maxConnections: count, timeoutMs: 10_000 };

    log(`5 fleet: ${count} routers, ${concurrency} at once`);
    const out = await runRounds(
      'fleet',
      [
        { side: 'ours', worker: 'fleet', args: { ...args, side: 'ours' } },
        { side: 'node-routeros', worker: 'fleet', args: { ...args, side: 'node-routeros' } },
        { side: 'handmade', worker: 'fleet-node-red', args: { ...args, side: 'handmade' } },
        { side: 'fleet-node', worker: 'fleet-node-red', args: { ...args, side: 'fleet-node' } },
      ],
      {
        rounds,
        setupTimeoutMs: 180_000,
        runTimeoutMs: 180_000,
        params: (side) => ({ mode: side === 'node-routeros' ? 'connect' : 'pair' }),
      },
    );
    for (const [side, r] of Object.entries(out)) if (r.error) failures.push(`fleet ${side}: ${r.error}`);
    const ok = (side) => (out[side].error ? undefined : out[side].reps);
    const ours = ok('ours');
    const theirs = ok('node-routeros');
    const handmade = ok('handmade');
    const node = ok('fleet-node');
    const pick = (reps, key) => (reps ? reps.map((rep) => rep[key]) : []);
    const cell = (reps, key) => (reps ? spread(summary(pick(reps, key)), ms) : 'failed');
    // "N× faster": their time ÷ ours, per round.
    const faster = (slow, fast) => paired(slow, fast);

    for (const [label, reps] of [
      ['ours', ours],
      ['node', node],
    ]) {
      const client = label === 'ours';
      const who = client ? 'RouterPool + fanOut' : 'routeros-fleet + routeros-command in Node-RED';
      const warmVsA = faster(pick(theirs, 'ms'), pick(reps, 'warm'));
      const warmVsB = faster(pick(handmade, 'warm'), pick(reps, 'warm'));
      rows.push({
        measure: `warm fan-out (pooled), ${who}`,
        ours: cell(reps, 'warm'),
        a: cell(theirs, 'ms'),
        b: cell(handmade, 'warm'),
        vsA: warmVsA.n ? `${spread(warmVsA, times)} faster` : '—',
        vsB: warmVsB.n ? `${spread(warmVsB, times)} faster` : '—',
        ...target(warmVsA.median >= 10 && warmVsB.median > 1, '≥ 10× faster than (a), faster than (b)'),
      });
      const coldVsA = paired(pick(reps, 'cold'), pick(theirs, 'ms'));
      rows.push({
        measure: `cold fan-out (connect + login), ${who}`,
        ours: cell(reps, 'cold'),
        a: cell(theirs, 'ms'),
        b: '— (connects at deploy)',
        vsA: coldVsA.n ? `${spread(coldVsA, times)} the time` : '—',
        vsB: '',
        ...target(coldVsA.median <= 1.5, '≤ 1.5× the time of (a)'),
        note: client ? undefined : 'cold = first fan-out after a deploy; also reads identity and version per router',
      });
    }

    // Memory and descriptors: ours in a process of its own; (b) from its setup (before the flow
    // was loaded → every connection up and the flow warmed).
    log(`5 fleet: memory of ${count} pooled connections`);
    let memory;
    const probe = new WorkerProcess('fleet', { ...args, side: 'ours', memoryProbe: true });
    try {
      await probe.next(undefined, 120_000);
      memory = await probe.next({ type: 'run', params: { mode: 'memory' } }, 120_000);
      await probe.next({ type: 'finish' }, 30_000);
    } catch (err) {
      failures.push(`fleet memory: ${err.message}`);
      probe.kill();
    }
    const handmadeMemory = out.handmade.final && out.handmade.final.memory;
    if (memory) {
      rows.push({
        measure: `RSS growth per idle pooled connection (${memory.pooled} pooled)`,
        ours: kb(memory.rssPerConnection),
        a: '',
        b: handmadeMemory ? `${kb(handmadeMemory.rssPerRouter)} per router (2 nodes + connection)` : 'failed',
        vsA: '',
        vsB: handmadeMemory ? `${times(memory.rssPerConnection / handmadeMemory.rssPerRouter)} the memory` : '',
        ...target(memory.rssPerConnection <= 32 * 1024, '≤ 32 KB'),
        note: `JS heap ${kb(memory.heapPerConnection)} of it${
          handmadeMemory ? `; (b) heap ${kb(handmadeMemory.heapPerRouter)} per router` : ''
        }`,
      });
      const extra = memory.fdsAfter - memory.pooled;
      rows.push({
        measure: 'open file descriptors with every router pooled',
        ours:
          memory.fdsAfter === undefined
            ? 'unknown (no /proc)'
            : `${memory.fdsAfter} = ${memory.pooled} pooled + ${extra}`,
        a: '',
        b:
          handmadeMemory && handmadeMemory.fdsAfter !== undefined
            ? `${handmadeMemory.fdsAfter} = ${count} connections + ${handmadeMemory.fdsAfter - count}`
            : '',
        vsA: '',
        vsB: '',
        // The constant is what the process had open before the pool: nothing more per router.
        ...target(memory.fdsAfter !== undefined && extra <= memory.fdsBefore + 5, 'pooled + a small constant'),
        note: memory.fdsBefore === undefined ? undefined : `${memory.fdsBefore} open before the pool`,
      });
    }

    // Faults: refusing and silent routers among the others, against the healthy ones alone.
    log(`5 fleet: ${config.refused} refusing and ${config.silent} silent among ${count}`);
    const { ports: free } = await sim.next(
      { type: 'run', params: { action: 'free-ports', count: config.refused } },
      30_000,
    );
    const list = faultyList(names, ports, free, config);
    const healthyOnly = list.routers.filter((router) => list.healthy.includes(router.name));
    const worker = new WorkerProcess('fleet', { ...args, side: 'ours' });
    const faults = { withFaults: [], alone: [] };
    try {
      await worker.next(undefined, 180_000);
      for (let round = 0; round < faultRounds; round++) {
        const order = round % 2 === 0 ? ['alone', 'withFaults'] : ['withFaults', 'alone'];
        for (const kind of order) {
          const stalled = kind === 'withFaults' ? list.stalled : [];
          await sim.next({ type: 'run', params: { action: 'stall', indexes: stalled } }, 10_000);
          const routers = kind === 'withFaults' ? list.routers : healthyOnly;
          const params = { mode: 'faults', routers, healthy: list.healthy, timeoutMs: faultTimeoutMs };
          faults[kind].push(await worker.next({ type: 'run', params }, 120_000));
        }
      }
      await worker.next({ type: 'finish' }, 30_000);
    } catch (err) {
      failures.push(`fleet faults: ${err.message}`);
      worker.kill();
    } finally {
      await sim.next({ type: 'run', params: { action: 'stall', indexes: [] } }, 10_000).catch(() => undefined);
    }
    const healthyCount = list.healthy.length;
    for (const phase of ['cold', 'warm']) {
      const withFaults = faults.withFaults.map((r) => r[phase]);
      const alone = faults.alone.map((r) => r[phase]);
      if (withFaults.length === 0 || alone.length === 0) continue;
      const all = (runs, key) => summary(runs.map((r) => r[key]));
      const complete =
        withFaults.every((r) => r.healthyOk === healthyCount) && alone.every((r) => r.ok === healthyCount);
      const codes = withFaults[0].codes;
      const limit = faultTimeoutMs + 1000;
      rows.push({
        measure: `${phase}: summary with ${list.refusedCount} refusing + ${list.silentCount} silent of ${count} (timeout ${num(faultTimeoutMs / 1000)} s)`,
        ours: spread(all(withFaults, 'ms'), ms),
        a: '',
        b: '',
        vsA: '',
        vsB: '',
        ...target(complete && all(withFaults, 'ms').max <= limit, `≤ timeout + 1 s (${num(limit)} ms)`),
        note: `errors: ${Object.entries(codes)
          .map(([code, n]) => `${n} ${code}`)
          .join(', ')}${complete ? '' : '; NOT every healthy router answered'}`,
      });
      const slowdown = paired(
        withFaults.map((r) => r.lastOkMs),
        alone.map((r) => r.ms),
      );
      rows.push({
        measure: `${phase}: last of the ${healthyCount} healthy answered, vs those ${healthyCount} alone`,
        ours: `${spread(all(withFaults, 'lastOkMs'), ms)} vs ${spread(all(alone, 'ms'), ms)}`,
        a: '',
        b: '',
        vsA: '',
        vsB: '',
        ...target(slowdown.median <= 1.2, '≤ 1.2× (as fast as without them)'),
        note: `${spread(slowdown, times)} the time`,
      });
    }
    // Listen: routeros-listen on a fleet of many routers, then of one, each in a fresh Node-RED.
    for (const routers of [config.listen.routers, 1]) {
      log(`5 fleet: listen on ${routers} router${routers === 1 ? '' : 's'}`);
      try {
        rows.push(await measureListen(sim, ports.slice(0, routers), names.slice(0, routers), config.listen));
      } catch (err) {
        failures.push(`fleet listen on ${routers}: ${err.message}`);
      }
    }
  } catch (err) {
    failures.push(`fleet: ${err.message}`);
  } finally {
    await sim.next({ type: 'finish' }, 30_000).catch(() => sim.kill());
  }
  const perRouter = simInfo ? `; simulator: ${num(simInfo.rssPerRouter / 1024)} KB RSS per idle router` : '';
  const title = `Fleet: \`/system/resource/print\` to ${count} simulated routers, ${concurrency} at once${perRouter}.`;
  return { title, rows, failures };
}

module.exports = { runFleet, faultyList };
