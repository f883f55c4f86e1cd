#!/usr/bin/env node
// Makes a fresh clone usable with Node built-ins only: runs `npm ci` when node_modules is
// missing or older than package-lock.json, and the build when any source is newer than the
// last build. Used by `prestart`, `pretest` and `bench`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const at = (...p) => path.join(root, ...p);

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : mtime(full));
  }
  return newest;
}

function run(command) {
  console.log(`> ${command}`);
  execSync(command, { cwd: root, stdio: 'inherit' });
}

const installed = at('node_modules', '.package-lock.json');
if (mtime(installed) === 0 || mtime(at('package-lock.json')) > mtime(installed)) {
  run('npm ci --no-audit --no-fund');
}

const stamp = at('.build-stamp');
const sources = Math.max(
  newestIn(at('src')),
  mtime(at('package.json')),
  mtime(at('tsconfig.json')),
  mtime(at('tsconfig.build.json')),
);
if (mtime(stamp) === 0 || sources > mtime(stamp)) {
  run('npm run build --silent');
}
