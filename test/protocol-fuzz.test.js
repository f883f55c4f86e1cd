'use strict';

// Short fuzz run, part of npm test: the properties in test/fuzz/properties.js with a modest number
// of cases. The long run is `node scripts/fuzz.js` (same properties, a million cases).
// FUZZ_RUNS sets the cases per property; FUZZ_SEED replays a run (fast-check prints the seed and
// the shrunk counterexample on failure; add FUZZ_PATH=<path> to replay just that case).

const fc = require('fast-check');
const { properties } = require('./fuzz/properties');

const numRuns = Number(process.env.FUZZ_RUNS) || 2000;
const options = { numRuns };
if (process.env.FUZZ_SEED) options.seed = Number(process.env.FUZZ_SEED);
if (process.env.FUZZ_PATH) options.path = process.env.FUZZ_PATH;

describe(`protocol: fuzz (${numRuns} cases per property)`, function () {
  it('arbitrary bytes in random chunks: ProtocolError or sentences, always as the reference decoder says', function () {
    fc.assert(properties.arbitraryBytes(), options);
  });

  it('mutated valid reply streams in random chunks: the same, reaching deep decoder states', function () {
    fc.assert(properties.mutatedStreams(), options);
  });

  it('valid streams in random chunks decode to exactly what was encoded', function () {
    fc.assert(properties.roundTrip(), options);
  });
});
