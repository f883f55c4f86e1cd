'use strict';
// Headless Debian Chromium driven by playwright-core (which never downloads a browser here),
// with a recorder for everything the editor writes to the console that points at a problem.
const fs = require('node:fs');
const path = require('node:path');

const DOCS = path.join(__dirname, '..', '..', '..', 'docs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-proxy-server',
  // Without these Chromium keeps calling hosts this machine cannot reach.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Console lines with which the editor reports an exception it caught in a node definition
 * (oneditprepare, oneditsave, label, icon, …): it logs them as ordinary console.log lines.
 */
const CAUGHT_DEFINITION_ERROR = /^(oneditprepare|oneditsave|oneditcancel|oneditresize|oneditdelete|Definition error)\b/;

function chromiumAvailable() {
  return fs.existsSync(CHROMIUM);
}

/** Skips the suite of `context` (a before hook's `this`) when there is no Chromium to drive. */
function skipWithoutChromium(context) {
  if (!chromiumAvailable()) {
    console.log(`    (skipped: no Chromium at ${CHROMIUM}; install it with apt-get install -y chromium)`);
    context.skip();
  }
}

async function launch() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Records page errors, console errors and warnings, and caught definition errors of `page`. */
function recordProblems(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.stack || err.message}`));
  page.on('console', (msg) => {
    const type = msg.type();
    const text = msg.text();
    if (type === 'error' || type === 'warning' || CAUGHT_DEFINITION_ERROR.test(text)) {
      const where = msg.location() && msg.location().url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
      problems.push(`console.${type}: ${text}${where}`);
    }
  });
  return problems;
}

/**
 * Writes the README picture docs/<name> from `page` (screenshot `options` such as `clip`), but
 * only on the Node-RED the README shows, the devDependency: a run on another Node-RED
 * (E2E_NODE_RED_JS, e.g. npm run test:e2e:nr5) leaves docs/ alone.
 */
async function docsScreenshot(page, name, options = {}) {
  if (process.env.E2E_NODE_RED_JS) return;
  fs.mkdirSync(DOCS, { recursive: true });
  await page.screenshot({ ...options, path: path.join(DOCS, name) });
}

module.exports = { CHROMIUM, chromiumAvailable, skipWithoutChromium, launch, recordProblems, docsScreenshot };
