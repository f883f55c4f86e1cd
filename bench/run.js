#!/usr/bin/env node
'use strict';
// `npm run bench`: every scenario of the benchmark issue, ours and node-routeros side by side in
// the same run, each measured side in its own child process. Prints one table and writes it
// into BENCHMARKS.md (between the bench markers; the notes around them are kept).
//
//   node bench/run.js             full run (about 6 minutes on a 2-core machine)
//   node bench/run.js --smoke     every scenario at tiny size, once; writes nothing
//   options: --only=decode,e2e,stream,listen,split,concurrency,fleet,ensure
//            --profile        our side's workers under --cpu-prof; prints the top self time
//            --heap-profile   our side's workers under --heap-prof; prints the top allocations
//            --no-write   --out=FILE
//   BENCH_DIST=path/to/dist runs our side from another build (A/B of a candidate change).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ReplayServer } = require('./lib/replay-server');
const { runRounds } = require('./lib/child');
const { runFleet } = require('./lib/fleet-scenario');
const { summary, si, num, spread, rowsLabel } = require('./lib/stats');
const {
  renderTable,
  renderMarkdown,
  renderFleetMarkdown,
  writeBlock,
  FLEET_BEGIN,
  FLEET_END,
} = require('./lib/report');
const { topSelfTime, topHeapSelf, formatTop } = require('./lib/profile-summary');
const { ensureScenario } = require('./lib/ensure-scenario');

const ROOT = path.join(__dirname, '..');
const TAG = '2'; // the tag both clients use for the measured calls (see lib/clients.js)
const PRINT = '/ip/route/print';
const WARM = '/ip/firewall/connection/print'; // a smaller reply to warm each process up

// Rounds alternate the sides (A B, B A, ...); decode runs `iterations` tinybench samples per
// side per round (plus `warmup` iterations in the first round).
const FULL = {
  decode: { sizes: [10_000, 100_000, 1_000_000], rounds: [5, 5, 3], iterations: [3, 1, 1], warmup: [3, 1, 0] },
  e2e: { sizes: [10_000, 100_000, 1_000_000], rounds: [7, 5, 3] },
  shapes: ['repeating', 'unique'], // data shapes of decode and e2e (see SHAPES)
  stream: { sizes: [100_000, 1_000_000], rounds: [5, 3] },
  listen: { sizes: [100_000, 1_000_000], rounds: [3, 3], plainSizes: [1_000_000] },
  concurrency: { count: 1000, rounds: 9 },
  // 1,000 simulated routers, 100 at once; faults: 100 refusing and 50 silent among them.
  fleet: {
    count: 1000,
    concurrency: 100,
    rounds: 7,
    faultRounds: 5,
    refused: 100,
    silent: 50,
    faultTimeoutMs: 2000,
    listen: { routers: 200, events: 50_000, rounds: 3, timeoutMs: 60_000 },
  },
  split: { rows: 100_000, rounds: 5 },
  warmRows: 10_000,
};
const SMOKE = {
  decode: { sizes: [300, 3000], rounds: [2, 1], iterations: [1, 1], warmup: [1, 0] },
  e2e: { sizes: [300, 3000], rounds: [1, 1] },
  shapes: ['repeating', 'unique'],
  stream: { sizes: [300, 3000], rounds: [1, 1] },
  listen: { sizes: [300, 3000], rounds: [1, 1], plainSizes: [3000] },
  concurrency: { count: 50, rounds: 2 },
  fleet: {
    count: 20,
    concurrency: 5,
    rounds: 1,
    faultRounds: 1,
    refused: 2,
    silent: 1,
    faultTimeoutMs: 1000,
    listen: { routers: 5, events: 200, rounds: 1, timeoutMs: 20_000 },
  },
  split: { rows: 3000, rounds: 1 },
  warmRows: 100,
};

function parseArgs(argv) {
  const options = {
    smoke: false,
    profile: false,
    heapProfile: false,
    write: true,
    only: null,
    out: path.join(ROOT, 'BENCHMARKS.md'),
  };
  for (const arg of argv) {
    if (arg === '--smoke') options.smoke = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--heap-profile') options.heapProfile = true;
    else if (arg === '--no-write') options.write = false;
    else if (arg.startsWith('--only=')) options.only = new Set(arg.slice(7).split(','));
    else if (arg.startsWith('--out=')) options.out = path.resolve(arg.slice(6));
    else {
      console.error(`unknown option ${arg}`);
      process.exit(2);
    }
  }
  // A smoke run proves the harness works; it never overwrites the published results.
  if (options.smoke && !argv.some((a) => a.startsWith('--out='))) options.write = false;
  return options;
}

/** Generous limits: node-routeros needs about 20 µs a row; a stall must not hang the run. */
const setupTimeout = (warmRows) => 60_000 + warmRows * 0.1;
const runTimeout = (rows) => 30_000 + rows * 0.08;

// The two data shapes: lib/rows.js (addresses repeat, which the value caches favour) and
// lib/bgp-rows.js (a unique prefix and id a row, 12-14 attributes: a BGP-learned table). Each
// has its own targets (the goals for the unique table, the older ones for the other).
const SHAPES = {
  repeating: { label: 'repeating values', decode: 8, e2e: 6, rss: 0.4 },
  unique: { label: 'unique-prefix table', decode: 15, e2e: 12, rss: 0.4 },
};

const rate = (rows) => (ms) => rows / (ms / 1000);
const median = (values) => summary(values).median;
/** Per-round ratios a[i] / b[i] (both sides ran in the same round, next to each other). */
const paired = (a, b) => summary(a.slice(0, Math.min(a.length, b.length)).map((x, i) => x / b[i]));
const ratioCell = (sum) => (sum.n ? spread(sum, (v) => `${num(v)}×`) : '—');

class Bench {
  constructor(options) {
    this.options = options;
    this.config = options.smoke ? SMOKE : FULL;
    this.rows = []; // table rows
    this.failures = [];
    this.fleetRows = []; // the fleet scenario's own table
    this.fleetFailures = [];
    this.fleetTitle = '';
    this.profiles = [];
    this.ourStreamRate = new Map();
  }

  /** Runs `sides` of worker `name` in alternating rounds; returns { side: reps | undefined }. */
  async rounds(name, sides, rounds, rows, { params } = {}) {
    const execArgv = {};
    if (this.options.profile || this.options.heapProfile) {
      for (const { side, profileAs } of sides) {
        if (!profileAs) continue;
        const dir = path.join(__dirname, 'profiles', profileAs);
        fs.rmSync(dir, { recursive: true, force: true });
        execArgv[side] = [];
        if (this.options.profile) execArgv[side].push('--cpu-prof', `--cpu-prof-dir=${dir}`);
        if (this.options.heapProfile) execArgv[side].push('--heap-prof', `--heap-prof-dir=${dir}`);
        this.profiles.push({ label: profileAs, dir });
      }
    }
    const out = await runRounds(name, sides, {
      rounds,
      setupTimeoutMs: setupTimeout(this.config.warmRows + (name === 'decode' ? rows : 0)),
      runTimeoutMs: runTimeout(rows) * (name === 'decode' ? 4 : 1),
      execArgv,
      params,
    });
    const results = {};
    for (const { side } of sides) {
      const r = out[side];
      if (r.error) {
        this.failures.push(`${name} ${side} ${rowsLabel(rows)}: ${r.error}`);
        results[side] = undefined;
      } else {
        results[side] = { reps: r.reps, ...r.final };
      }
    }
    return results;
  }

  add(row) {
    this.rows.push(row);
  }

  async decode() {
    for (const shape of this.config.shapes) await this.decodeShape(shape);
  }

  async decodeShape(shape) {
    const { sizes, rounds, iterations, warmup } = this.config.decode;
    const goal = SHAPES[shape];
    for (let i = 0; i < sizes.length; i++) {
      const rows = sizes[i];
      const res = await this.rounds(
        'decode',
        [
          { side: 'ours', args: { side: 'ours', rows, shape }, profileAs: `decode-${shape}-${rowsLabel(rows)}` },
          { side: 'node-routeros', args: { side: 'node-routeros', rows, shape } },
        ],
        rounds[i],
        rows * (iterations[i] + warmup[i]),
        { params: (_side, round) => ({ iterations: iterations[i], warmupIterations: round === 0 ? warmup[i] : 0 }) },
      );
      const { ours, 'node-routeros': theirs } = res;
      const all = (r) => r.reps.flat().map(rate(rows));
      const perRound = (r) => r.reps.map((samples) => rows / (median(samples) / 1000));
      const cell = (r) =>
        r ? `${spread(summary(all(r)), si)} rows/s · ${num((median(all(r)) * (r.bytes / rows)) / 1e6)} MB/s` : 'failed';
      const ratio = ours && theirs ? paired(perRound(ours), perRound(theirs)) : summary([]);
      this.add({
        scenario: `1 Decode (64 KiB chunks → row objects), ${goal.label}`,
        rows,
        measure: 'rows/s, MB/s',
        ours: cell(ours),
        theirs: cell(theirs),
        ratio: ratioCell(ratio),
        ...(rows === 100_000 || this.options.smoke ? target(ratio.median >= goal.decode, `≥ ${goal.decode}×`) : {}),
      });
    }
  }

  async e2e(server) {
    for (const shape of this.config.shapes) await this.e2eShape(server, shape);
  }

  async e2eShape(server, shape) {
    const { sizes, rounds } = this.config.e2e;
    const goal = SHAPES[shape];
    const warmRows = this.config.warmRows;
    const warmBytes = server.setReplay(WARM, warmRows, TAG, shape);
    for (let i = 0; i < sizes.length; i++) {
      const rows = sizes[i];
      const bytes = server.setReplay(PRINT, rows, TAG, shape);
      const args = { port: server.port, tag: TAG, command: PRINT, rows, bytes, warmCommand: WARM, warmRows, warmBytes };
      const res = await this.rounds(
        'e2e',
        [
          { side: 'raw', args: { ...args, side: 'raw' } },
          { side: 'ours', args: { ...args, side: 'ours' }, profileAs: `e2e-${shape}-${rowsLabel(rows)}` },
          { side: 'node-routeros', args: { ...args, side: 'node-routeros' } },
        ],
        rounds[i],
        rows,
      );
      const { raw, ours, 'node-routeros': theirs } = res;
      const rates = (r) => r.reps.map(rate(rows));
      const share = (r) => (r && raw ? ` (${pct(paired(rates(r), rates(raw)).median)} of raw)` : '');
      const ratio = ours && theirs ? paired(rates(ours), rates(theirs)) : summary([]);
      const scenario = `2 End to end: array of a print over loopback, ${goal.label}`;
      this.add({
        scenario,
        rows,
        measure: 'rows/s (share of the raw limit)',
        ours: ours ? `${spread(summary(rates(ours)), si)}${share(ours)}` : 'failed',
        theirs: theirs ? `${spread(summary(rates(theirs)), si)}${share(theirs)}` : 'failed',
        ratio: ratioCell(ratio),
        ...(rows >= 100_000 || this.options.smoke ? target(ratio.median >= goal.e2e, `≥ ${goal.e2e}×`) : {}),
      });
      this.add({
        scenario,
        rows,
        measure: 'raw limit: socket reads and drops the bytes',
        ours: raw
          ? `${spread(summary(rates(raw)), si)} rows/s · ${num((median(rates(raw)) * (bytes / rows)) / 1e6)} MB/s`
          : 'failed',
        theirs: '',
        ratio: '',
      });
      const mbOf = (r) => (r ? r.peakRss / 1048576 : NaN);
      const rssRatio = mbOf(ours) / mbOf(theirs);
      this.add({
        scenario,
        rows,
        measure: 'peak RSS of the process, MB',
        ours: ours ? num(mbOf(ours)) : 'failed',
        theirs: theirs ? num(mbOf(theirs)) : 'failed',
        ratio: pct(rssRatio),
        ...(rows === 1_000_000 || (this.options.smoke && i === sizes.length - 1)
          ? target(rssRatio <= goal.rss, `≤ ${pct(goal.rss)}`)
          : {}),
        note: raw ? `raw socket process: ${num(mbOf(raw))} MB` : undefined,
      });
    }
    server.clearReplays();
  }

  async stream(server) {
    const { sizes, rounds } = this.config.stream;
    const warmRows = this.config.warmRows;
    server.setReplay(WARM, warmRows, TAG);
    for (let i = 0; i < sizes.length; i++) {
      const rows = sizes[i];
      server.setReplay(PRINT, rows, TAG);
      const args = { port: server.port, tag: TAG, command: PRINT, rows, warmCommand: WARM, warmRows };
      const res = await this.rounds(
        'stream',
        [
          { side: 'ours', args: { ...args, side: 'ours' }, profileAs: `stream-ours-${rowsLabel(rows)}` },
          { side: 'node-routeros', args: { ...args, side: 'node-routeros' } },
        ],
        rounds[i],
        rows,
      );
      const { ours, 'node-routeros': theirs } = res;
      const rates = (r) => r.reps.map((rep) => rows / (rep.ms / 1000));
      if (ours) this.ourStreamRate.set(rows, median(rates(ours)));
      const ratio = ours && theirs ? paired(rates(ours), rates(theirs)) : summary([]);
      const last = i === sizes.length - 1;
      const scenario = '3 Streaming: stream() with a row callback';
      this.add({
        scenario,
        rows,
        measure: 'rows/s',
        ours: ours ? spread(summary(rates(ours)), si) : 'failed',
        theirs: theirs ? spread(summary(rates(theirs)), si) : 'failed',
        ratio: ratioCell(ratio),
        ...(last ? target(ratio.median >= 5, '≥ 5×') : {}),
      });
      // The first run may include V8 growing its young generation to full size once (up to
      // about 32 MB); later runs show the steady state. The target is judged on the median.
      const growth = (r) => summary(r.reps.map((rep) => Math.max(0, rep.growth) / 1048576));
      this.add({
        scenario,
        rows,
        measure: 'RSS growth while streaming, MB',
        ours: ours ? spread(growth(ours)) : 'failed',
        theirs: theirs ? spread(growth(theirs)) : 'failed',
        ratio: '',
        ...(last ? target(ours && growth(ours).median < 32, '< 32 MB') : {}),
      });
    }
    server.clearReplays();
  }

  async listen(server) {
    const { sizes, rounds, plainSizes } = this.config.listen;
    const warmRows = this.config.warmRows;
    server.setReplay(WARM, warmRows, TAG);
    const runs = [
      ...sizes.map((rows, i) => ({ rows, rounds: rounds[i], counter: 'function' })),
      ...plainSizes.map((rows) => ({ rows, rounds: rounds[rounds.length - 1], counter: 'plain' })),
    ];
    for (const { rows, rounds: n, counter } of runs) {
      server.setReplay(PRINT, rows, TAG);
      const args = { port: server.port, tag: TAG, command: PRINT, rows, warmCommand: WARM, warmRows, counter };
      const sides = [{ side: 'node', args, profileAs: `listen-${counter}-${rowsLabel(rows)}` }];
      // Node-RED's own ceiling, in the same rounds: bench/workers/nodered-ceiling.js.
      if (counter === 'plain') sides.push({ side: 'ceiling', worker: 'nodered-ceiling', args: { rows, warmRows } });
      const { node: res, ceiling } = await this.rounds('listen-node', sides, n, rows * 4);
      const rates = res && res.reps.map((rep) => rows / (rep.ms / 1000));
      const own = this.ourStreamRate.get(rows);
      const growth = res && summary(res.reps.map((rep) => Math.max(0, rep.growth) / 1048576));
      this.add({
        scenario:
          counter === 'function'
            ? '3b Node-RED: routeros-listen → counting function node'
            : '3b Node-RED: routeros-listen → plain counting node (no vm)',
        rows,
        measure: 'events/s; RSS growth, MB',
        ours: res ? `${spread(summary(rates), si)} events/s; +${spread(growth)} MB` : 'failed',
        theirs: '',
        ratio: '',
        note: res && own ? `${pct(median(rates) / own)} of our own stream() rate` : undefined,
      });
      if (counter === 'plain') this.addCeiling(rows, res, ceiling);
    }
    server.clearReplays();
  }

  /** The ceiling row, and the listen node's share of it (target: at least half). */
  addCeiling(rows, listen, ceiling) {
    const rates = (r) => r.reps.map((rep) => rows / (rep.ms / 1000));
    const share = listen && ceiling ? paired(rates(listen), rates(ceiling)) : summary([]);
    const growth = ceiling && summary(ceiling.reps.map((rep) => Math.max(0, rep.growth) / 1048576));
    this.add({
      scenario: "3c Node-RED's ceiling: source node → plain counting node (4-property payload)",
      rows,
      measure: 'messages/s; RSS growth, MB',
      ours: ceiling ? `${spread(summary(rates(ceiling)), si)} messages/s; +${spread(growth)} MB` : 'failed',
      theirs: '',
      ratio: '',
      note: 'Node-RED alone: no client, no decoding',
    });
    this.add({
      scenario: "3c Node-RED's ceiling: source node → plain counting node (4-property payload)",
      rows,
      measure: 'listen → plain counter, share of the ceiling',
      ours: share.n ? spread(share, pct) : 'failed',
      theirs: '',
      ratio: '',
      ...target(share.n > 0 && share.median >= 0.5, '≥ 50%'),
    });
  }

  /** routeros-command in split mode against the core split node (bench/workers/split-node.js). */
  async split(server) {
    const { rows, rounds } = this.config.split;
    const warmRows = this.config.warmRows;
    server.setReplay(WARM, warmRows, TAG);
    server.setReplay(PRINT, rows, TAG);
    const args = { port: server.port, command: PRINT, rows, warmCommand: WARM, warmRows };
    const { ours, 'core-split': core } = await this.rounds(
      'split-node',
      [
        { side: 'ours', args: { ...args, side: 'ours' }, profileAs: `split-ours-${rowsLabel(rows)}` },
        { side: 'core-split', args: { ...args, side: 'core-split' } },
      ],
      rounds,
      rows * 4,
    );
    const rates = (r) => r.reps.map((rep) => rows / (rep.ms / 1000));
    const ratio = ours && core ? paired(rates(ours), rates(core)) : summary([]);
    this.add({
      scenario: '3d Node-RED: one message per row (ours: print in split mode; core: split node on the array)',
      rows,
      measure: 'messages/s, ours vs the core split node',
      ours: ours ? spread(summary(rates(ours)), si) : 'failed',
      theirs: core ? `core split node: ${spread(summary(rates(core)), si)}` : 'failed',
      ratio: ratioCell(ratio),
      ...target(ratio.n > 0 && ratio.median >= 1, '≥ 1× (no slower)'),
      note: 'ours includes the print over loopback and decoding',
    });
    server.clearReplays();
  }

  async concurrency(server) {
    const { count, rounds } = this.config.concurrency;
    const args = { port: server.port, command: '/system/identity/print', count };
    const res = await this.rounds(
      'concurrency',
      [
        { side: 'ours', args: { ...args, side: 'ours' }, profileAs: 'concurrency-ours' },
        { side: 'node-routeros', args: { ...args, side: 'node-routeros' } },
      ],
      rounds,
      count,
    );
    const { ours, 'node-routeros': theirs } = res;
    const pick = (r, key) => r.reps.map((rep) => rep[key]);
    const ms = (v) => `${num(v)} ms`;
    const scenario = `4 Concurrency: ${count} one-shot commands in flight on one connection`;
    const totalRatio = ours && theirs ? paired(pick(ours, 'total'), pick(theirs, 'total')) : summary([]);
    this.add({
      scenario,
      rows: count,
      measure: 'total time (ours ÷ theirs)',
      ours: ours ? spread(summary(pick(ours, 'total')), ms) : 'failed',
      theirs: theirs ? spread(summary(pick(theirs, 'total')), ms) : 'failed',
      ratio: totalRatio.n ? spread(totalRatio, pct) : '—',
      ...target(totalRatio.median <= 1, '≤ 100% (no slower)'),
    });
    for (const key of ['p50', 'p99']) {
      this.add({
        scenario,
        rows: count,
        measure: `${key} latency`,
        ours: ours ? spread(summary(pick(ours, key)), ms) : 'failed',
        theirs: theirs ? spread(summary(pick(theirs, key)), ms) : 'failed',
        ratio: ours && theirs ? spread(paired(pick(ours, key), pick(theirs, key)), pct) : '',
      });
    }
    const tail = (r) => summary(r.reps.map((rep) => rep.p99 / rep.p50));
    this.add({
      scenario,
      rows: count,
      measure: 'p99 ÷ p50',
      ours: ours ? spread(tail(ours), (v) => `${num(v)}×`) : 'failed',
      theirs: theirs ? spread(tail(theirs), (v) => `${num(v)}×`) : 'failed',
      ratio: '',
      ...target(ours && tail(ours).median <= 2, '≤ 2×'),
    });
  }
}

function pct(x) {
  return Number.isFinite(x) ? `${(x * 100).toPrecision(x >= 0.1 ? 3 : 2)}%` : '—';
}

function target(met, text) {
  return { target: text, status: met ? 'met' : 'MISSED' };
}

function machine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const bench = new Bench(options);
  const wanted = (name) => !options.only || options.only.has(name);
  const started = Date.now();
  const server = new ReplayServer();
  await server.start();
  const log = (text) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}\n`);
  try {
    if (wanted('decode')) {
      log('1 decode');
      await bench.decode();
    }
    if (wanted('e2e')) {
      log('2 end to end');
      await bench.e2e(server);
    }
    if (wanted('stream') || wanted('listen')) {
      log('3 streaming');
      await bench.stream(server);
    }
    if (wanted('listen')) {
      log('3b Node-RED listen node');
      await bench.listen(server);
    }
    if (wanted('split')) {
      log('3d split: command node against the core split node');
      await bench.split(server);
    }
    if (wanted('concurrency')) {
      log('4 concurrency');
      await bench.concurrency(server);
    }
    if (wanted('fleet')) {
      const fleet = await runFleet(bench.config.fleet, { log });
      bench.fleetRows = fleet.rows;
      bench.fleetFailures = fleet.failures;
      bench.fleetTitle = fleet.title;
    }
    if (wanted('ensure')) {
      log('5 desired state (ensure)');
      await ensureScenario(bench, options.smoke);
    }
  } finally {
    await server.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machine(),
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    seconds,
    smoke: options.smoke,
    nodeRouteros: require(path.join(ROOT, 'node_modules', 'node-routeros', 'package.json')).version,
  };
  console.log(renderTable(bench.rows, meta, { rows: bench.fleetRows, title: bench.fleetTitle }));
  const failures = [...bench.failures, ...bench.fleetFailures];
  if (failures.length) {
    console.log('\nFailures (shown as "failed" in the table):');
    for (const f of failures) console.log(`- ${f}`);
  }
  for (const { label, dir } of bench.profiles) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    for (const file of files) {
      const where = path.relative(ROOT, path.join(dir, file));
      if (file.endsWith('.cpuprofile')) {
        console.log(`\nCPU profile ${label} (${where}), top self time:`);
        console.log(formatTop(topSelfTime(path.join(dir, file), 12)));
      } else if (file.endsWith('.heapprofile')) {
        const top = topHeapSelf(path.join(dir, file), 12);
        if (top.length === 0 || top[0].bytes === 0) continue;
        console.log(`\nHeap profile ${label} (${where}), top allocation sites still live at exit:`);
        console.log(formatTop(top));
      }
    }
  }
  if (options.write) {
    // Each table has its own block: a run of some scenarios leaves the other table as it was.
    if (bench.rows.length) writeBlock(options.out, renderMarkdown(bench.rows, bench.failures, meta));
    if (bench.fleetRows.length) {
      const fleet = { rows: bench.fleetRows, title: bench.fleetTitle };
      writeBlock(options.out, renderFleetMarkdown(fleet, bench.fleetFailures, meta), FLEET_BEGIN, FLEET_END);
    }
    console.log(`\nwritten to ${path.relative(process.cwd(), options.out) || options.out}`);
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
