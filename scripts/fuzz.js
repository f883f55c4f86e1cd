#!/usr/bin/env node
'use strict';

// The long fuzz run of the decoder and the client: the same properties as
// test/protocol-fuzz.test.js and test/reliability/client-fuzz.test.js (test/fuzz/properties.js),
// a million cases in total by default, in batches so progress shows.
//
//   node scripts/fuzz.js [totalCases] [--seed N] [--only PROPERTY]   (needs a build: dist/)
//   FUZZ_RUNS=200000 FUZZ_SEED=42 node scripts/fuzz.js
//
// Batch i of a run uses seed + i; a failure prints fast-check's report (seed, path, shrunk
// counterexample), the command that replays that batch, and exits 1.

const path = require('path');
const fc = require('fast-check');

function parseArgs(argv) {
  const out = { total: Number(process.env.FUZZ_RUNS) || 1_000_000, seed: undefined };
  if (process.env.FUZZ_SEED) out.seed = Number(process.env.FUZZ_SEED);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--seed') out.seed = Number(argv[++i]);
    else if (arg.startsWith('--seed=')) out.seed = Number(arg.slice(7));
    else if (arg === '--only') out.only = argv[++i];
    else if (arg.startsWith('--only=')) out.only = arg.slice(7);
    else if (arg === '-h' || arg === '--help') out.help = true;
    else out.total = Number(arg.replace(/_/g, ''));
  }
  if (!Number.isInteger(out.total) || out.total <= 0) throw new Error(`not a case count: ${out.total}`);
  if (out.seed !== undefined && !Number.isInteger(out.seed)) throw new Error('--seed needs an integer');
  return out;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`fuzz: ${err.message}`);
    return 2;
  }
  if (args.help) {
    console.log(
      'usage: node scripts/fuzz.js [totalCases=1000000] [--seed N] [--only PROPERTY]   (env: FUZZ_RUNS, FUZZ_SEED)',
    );
    return 0;
  }

  let properties;
  let watch;
  try {
    const fuzz = require(path.join(__dirname, '..', 'test', 'fuzz', 'properties'));
    // Client properties are asynchronous and check for unhandled rejections as they go.
    watch = fuzz.watchUnhandledRejections();
    const client = Object.fromEntries(
      Object.entries(fuzz.clientProperties).map(([name, make]) => [name, () => make(watch.records)]),
    );
    properties = { ...fuzz.properties, ...client };
  } catch (err) {
    console.error(`fuzz: cannot load the properties (build first: npm run build)\n${err.message}`);
    return 2;
  }

  // Share of the cases per property: the never-throw/differential properties get most of them.
  // clientTimeouts waits for real (1-4 ms) timers, so it gets few cases.
  let shares = {
    mutatedStreams: 0.3,
    arbitraryBytes: 0.3,
    roundTrip: 0.07,
    clientChaos: 0.2,
    clientModel: 0.12,
    clientTimeouts: 0.01,
  };
  if (args.only) {
    if (!Object.hasOwn(properties, args.only)) {
      console.error(`fuzz: unknown property ${args.only} (one of ${Object.keys(properties).join(', ')})`);
      return 2;
    }
    shares = { [args.only]: 1 };
  }
  const plan = Object.entries(shares).map(([name, share]) => ({
    name,
    left: Math.max(1, Math.round(args.total * share)),
    done: 0,
  }));
  const batchSize = 20_000;
  const baseSeed = args.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  console.log(`fuzz: ${args.total} cases over ${plan.map((p) => p.name).join(', ')}; base seed ${baseSeed}`);

  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let batch = 0;
  let total = 0;
  // Round-robin batches so an interrupted run has still covered every property.
  while (plan.some((p) => p.left > 0)) {
    for (const p of plan) {
      if (p.left <= 0) continue;
      const numRuns = Math.min(batchSize, p.left);
      const seed = (baseSeed + batch) | 0;
      batch++;
      try {
        await fc.assert(properties[p.name](), { numRuns, seed });
      } catch (err) {
        console.error(`\nfuzz: ${p.name} FAILED (batch seed ${seed}, ${total + p.done} cases run before it)`);
        console.error(err && err.message ? err.message : err);
        console.error(`\nreplay: node scripts/fuzz.js ${numRuns} --seed ${seed} --only ${p.name}`);
        watch.stop();
        return 1;
      }
      p.left -= numRuns;
      p.done += numRuns;
      total += numRuns;
      const s = elapsed();
      console.log(
        `  ${p.name.padEnd(15)} ${String(p.done).padStart(8)} cases   total ${String(total).padStart(8)}   ` +
          `${s.toFixed(1)} s   ${Math.round(total / s)} cases/s`,
      );
    }
  }
  watch.stop();
  if (watch.records.length > 0) {
    console.error(`fuzz: ${watch.records.length} unhandled rejection(s), the first: ${watch.records[0]}`);
    return 1;
  }
  console.log(`fuzz: OK, ${total} cases in ${elapsed().toFixed(1)} s; unhandled rejections: 0`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
