#!/usr/bin/env node
// `npm run scorecard`: the Flow Library's scorecard (`node-red-dev validate`) on this package,
// written to scorecard.json, and a non-zero exit when any check fails — the tool itself exits 0
// even then. Where the Node-RED catalogue and the npm registry host cannot be reached, point
// VALIDATE_OFFLINE at a wrapper that answers those two look-ups locally (this project's machines
// have one at ../shared/tools/validate-offline.js, which is used when present).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const output = path.join(root, 'scorecard.json');
const offline = process.env.VALIDATE_OFFLINE || path.join(root, '..', 'shared', 'tools', 'validate-offline.js');

const [command, args] = fs.existsSync(offline)
  ? [process.execPath, [offline, root, '-o', output]]
  : [
      process.execPath,
      [path.join(path.dirname(require.resolve('node-red-dev/package.json')), 'bin', 'run'), 'validate', '-o', output],
    ];

fs.rmSync(output, { force: true });
const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
if (run.status !== 0 || !fs.existsSync(output)) {
  console.error(`scorecard: node-red-dev did not finish (exit ${run.status})`);
  process.exit(1);
}

const card = JSON.parse(fs.readFileSync(output, 'utf8'));
const checks = Object.entries(card).filter(([, check]) => check && typeof check.test === 'boolean');
const failed = checks.filter(([, check]) => check.test === false);
for (const [id, check] of failed) console.error(`scorecard: ${id} failed ${JSON.stringify(check)}`);
console.log(`scorecard: ${checks.length} checks, ${failed.length} failed (${path.relative(root, output)})`);
process.exit(failed.length === 0 ? 0 : 1);
