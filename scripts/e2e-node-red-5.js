#!/usr/bin/env node
// `npm run test:e2e:nr5`: the end-to-end suite (test/e2e) against Node-RED 5 on Node.js 22, the
// current major, while `npm test` runs it against the Node-RED 4.1 devDependency on the Node.js
// at hand. Both come from the npm registry into .cache/nr5/ (git-ignored), outside the
// repository's node_modules so the 4.1 install stays as it is:
//
//   .cache/nr5/node/      node-<platform>-<arch>@22, the official Node.js binary as a package
//   .cache/nr5/node-red/  node-red@5, installed by npm running on that Node.js 22
//
// A cache that already holds both is reused. Then mocha runs test/e2e/*.test.js on Node.js 22
// with E2E_NODE_RED_JS naming Node-RED 5's red.js, which test/e2e/helpers/stack.js starts
// instead of the devDependency. Expects a current build (the npm script runs ensure-ready first).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const CACHE = path.join(root, '.cache', 'nr5');
const NODE_MAJOR = '22';
const NODE_RED_MAJOR = '5';

const PLATFORMS = { linux: 'linux', darwin: 'darwin' };
if (!PLATFORMS[process.platform]) {
  console.error(`test:e2e:nr5 runs on Linux and macOS only (this is ${process.platform})`);
  process.exit(1);
}
const NODE_PACKAGE = `node-${PLATFORMS[process.platform]}-${process.arch}`;
const nodeDir = path.join(CACHE, 'node');
const redDir = path.join(CACHE, 'node-red');
const nodeBin = path.join(nodeDir, 'node_modules', NODE_PACKAGE, 'bin', 'node');
const redJs = path.join(redDir, 'node_modules', 'node-red', 'red.js');

function installedVersion(dir, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Installs `name@major` into `dir` (its own package.json) unless that major is there already. */
function ensureInstalled(dir, name, major, env = process.env) {
  const have = installedVersion(dir, name);
  if (have && have.split('.')[0] === major) return have;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const manifest = { name: `e2e-${name}`, private: true, dependencies: { [name]: major } };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`> npm install ${name}@${major} (in ${path.relative(root, dir)})`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', env });
  return installedVersion(dir, name);
}

const started = Date.now();
ensureInstalled(nodeDir, NODE_PACKAGE, NODE_MAJOR);
// npm's launcher runs on the first `node` in PATH: Node.js 22, so Node-RED 5's engine check and
// any install script see the Node.js it will run on.
const node22Path = { ...process.env, PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}` };
const nodeRedVersion = ensureInstalled(redDir, 'node-red', NODE_RED_MAJOR, node22Path);
const nodeVersion = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
console.log(
  `Node-RED ${nodeRedVersion} on Node.js ${nodeVersion} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
);

const mocha = require.resolve('mocha/bin/mocha.js', { paths: [root] });
const run = spawnSync(
  nodeBin,
  [mocha, '--no-config', '--timeout', '20000', '--reporter', 'dot', 'test/e2e/*.test.js', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...node22Path, E2E_NODE_RED_JS: redJs } },
);
console.log(`test:e2e:nr5 took ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
process.exit(run.status === null ? 1 : run.status);
