#!/usr/bin/env node
'use strict';
// RouterOS API simulator for tests and demos: see `routeros-simulator --help`.
let simulator;
try {
  simulator = require('../dist/simulator');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('routeros-simulator: dist/ is missing; run `npm run build` first\n');
    process.exit(1);
  }
  throw err;
}
simulator.runCli(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`routeros-simulator: ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
