'use strict';
// Scenario 5 of `npm run bench`: desired state. A 50,000-entry address list with 1% changed,
// made to match by the routeros-ensure planner (read, compare, pipelined writes) and, for
// comparison, the way a hand-written function node does it (one awaited command at a time).
// Targets (issue 14): ≥ 5× faster than one at a time; read + compare of 50,000 under 2 s; only
// the changed entries written.
const { summary, spread, num } = require('./stats');

// Each size runs with the simulator answering at once (loopback) and 1 ms away each way (a
// router on the LAN): pipelining pays in round trips, which loopback hardly has.
const FULL = { size: 50_000, rounds: 5, latencies: [0, 1, 5] };
const SMOKE = { size: 500, rounds: 1, latencies: [0, 1] };

async function ensureScenario(bench, smoke) {
  const config = smoke ? SMOKE : FULL;
  for (const latencyMs of config.latencies) await oneLatency(bench, smoke, config, latencyMs);
}

async function oneLatency(bench, smoke, { size, rounds }, latencyMs) {
  const args = { size, latencyMs };
  const res = await bench.rounds(
    'ensure',
    [
      { side: 'ensure', args: { ...args, side: 'ensure' }, profileAs: 'ensure' },
      { side: 'one-at-a-time', args: { ...args, side: 'one-at-a-time' } },
    ],
    rounds,
    size * 4,
  );
  const { ensure: ours, 'one-at-a-time': baseline } = res;
  const pick = (r, key) => r.reps.map((rep) => rep[key]);
  const ms = (v) => `${num(v)} ms`;
  const where = latencyMs === 0 ? 'loopback' : `router ${latencyMs} ms away each way`;
  const scenario = `5 Desired state: ${size.toLocaleString('en-US')}-entry address list, 1% changed, ${where}`;
  const changes = ours ? ours.reps[0].changes : baseline ? baseline.reps[0].changes : 0;
  const compare = ours && summary(pick(ours, 'compareMs'));
  bench.add({
    scenario,
    rows: size,
    measure: 'read + compare (dry run)',
    ours: ours ? spread(compare, ms) : 'failed',
    theirs: '',
    ratio: '',
    ...(latencyMs === 0 ? target(compare && compare.median < 2000, '< 2 s') : {}),
  });
  const ratios =
    ours && baseline
      ? summary(
          pick(baseline, 'totalMs')
            .slice(0, ours.reps.length)
            .map((b, i) => b / ours.reps[i].totalMs),
        )
      : summary([]);
  bench.add({
    scenario,
    rows: size,
    measure: 'read + compare + apply; vs one command at a time',
    ours: ours ? spread(summary(pick(ours, 'totalMs')), ms) : 'failed',
    theirs: baseline ? `one at a time: ${spread(summary(pick(baseline, 'totalMs')), ms)}` : 'failed',
    ratio: ratios.n ? `${spread(ratios, (v) => `${num(v)}×`)} faster` : '—',
    // At smoke size a run is a few milliseconds either way: the target is for the full size.
    ...(smoke || latencyMs === 0 ? {} : target(ratios.n > 0 && ratios.median >= 5, '≥ 5× faster')),
  });
  const writes = ours ? Math.max(...pick(ours, 'writes')) : undefined;
  bench.add({
    scenario,
    rows: size,
    measure: 'write commands sent',
    ours: ours ? `${writes} for ${changes} changed entries` : 'failed',
    theirs: baseline ? `${Math.max(...pick(baseline, 'writes'))}` : 'failed',
    ratio: '',
    ...target(writes === changes, 'only the changed entries'),
  });
}

function target(met, text) {
  return { target: text, status: met ? 'met' : 'MISSED' };
}

module.exports = { ensureScenario };
