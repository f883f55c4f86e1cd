// Starts a real Node-RED (node_modules/node-red/red.js, as a child process) with this pack
// loaded from the working tree, on loopback only. Shared by `npm start` (scripts/demo.js) and
// the end-to-end tests (test/e2e/), so there is one way to do it:
//
//   prepareUserDir(dir, { flows })  writes settings.js, a package.json naming this pack, and
//                                   node_modules/<pack> as a symlink to the repository (or to
//                                   `packDir`, e.g. the unpacked `npm pack` tarball), plus links
//                                   to the add-on node packages the examples use (ADD_ONS)
//   startNodeRed({ userDir, port }) spawns Node-RED, resolves once the editor answers HTTP
//   handle.stop()                   SIGINT, then SIGKILL if it has not exited within a bound
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = require(path.join(REPO_ROOT, 'package.json'));
const HOST = '127.0.0.1';
/**
 * Node packages some examples need besides this pack (devDependencies, never dependencies: the
 * dashboard is the user's choice). They are linked from this repository's node_modules into the
 * user directory, where every Node-RED looks (Node-RED 4 would also find them beside its own
 * install, Node-RED 5 from .cache/ would not).
 */
const ADD_ONS = ['@flowfuse/node-red-dashboard'];

/**
 * Settings for a quiet, loopback-only Node-RED: no update check, no welcome tour, no palette
 * catalogue (its host is unreachable offline).
 */
function settingsFor(extra = {}) {
  return {
    uiHost: HOST,
    flowFile: 'flows.json',
    // Credentials are written unencrypted: these user dirs hold only throwaway test and demo flows.
    credentialSecret: false,
    flowFilePretty: true,
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: {
      tours: false,
      palette: { catalogues: [] },
    },
    externalModules: { palette: { allowInstall: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    ...extra,
  };
}

function readLink(file) {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Removes links to `target` under any name but `keep`: a user directory made before the
 * package was renamed would otherwise load the pack twice, and Node-RED refuses the second copy's
 * node types.
 */
function removeOtherLinksTo(target, nodeModules, keep) {
  const entries = (dir) => fs.readdirSync(dir, { withFileTypes: true }).map((e) => ({ e, at: path.join(dir, e.name) }));
  const candidates = entries(nodeModules).flatMap(({ e, at }) =>
    e.name.startsWith('@') && e.isDirectory() ? entries(at) : [{ e, at }],
  );
  for (const { e, at } of candidates) {
    if (at !== keep && e.isSymbolicLink() && readLink(at) === target) fs.rmSync(at, { force: true });
  }
}

/**
 * Makes `userDir` a Node-RED user directory that loads this pack from `packDir` (the working
 * tree unless given): a package.json depending on `file:<packDir>` (so the palette manager lists
 * it as installed) and node_modules/<pack> as a symlink to it (which is what the runtime scans).
 * `flows`, when given, replaces flows.json; `settings` are merged over settingsFor().
 */
/** Links `target` as `link` (a junction on Windows needs no administrator rights). */
function linkDir(target, link) {
  if (readLink(link) === target) return;
  fs.rmSync(link, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(link), { recursive: true }); // node_modules/@scope/
  fs.symlinkSync(target, link, process.platform === 'win32' ? 'junction' : 'dir');
}

/** The ADD_ONS installed in this repository, as { name: folder }. */
function installedAddOns() {
  const found = {};
  for (const name of ADD_ONS) {
    const dir = path.join(REPO_ROOT, 'node_modules', name);
    if (fs.existsSync(path.join(dir, 'package.json'))) found[name] = dir;
  }
  return found;
}

function prepareUserDir(userDir, { flows, settings, packDir = REPO_ROOT } = {}) {
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  const addOns = installedAddOns();
  const settingsFile = path.join(userDir, 'settings.js');
  fs.writeFileSync(
    settingsFile,
    '// Written by scripts/demo/node-red-runner.js; rewritten on every start.\n' +
      `module.exports = ${JSON.stringify(settingsFor(settings), null, 2)};\n`,
  );
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify(
      {
        name: 'routeros-api-node-red-userdir',
        description: 'Node-RED user directory written by scripts/demo/node-red-runner.js',
        version: '0.0.0',
        private: true,
        dependencies: {
          [PACKAGE.name]: `file:${packDir}`,
          ...Object.fromEntries(Object.entries(addOns).map(([name, dir]) => [name, `file:${dir}`])),
        },
      },
      null,
      2,
    ) + '\n',
  );
  const link = path.join(userDir, 'node_modules', PACKAGE.name);
  removeOtherLinksTo(packDir, path.join(userDir, 'node_modules'), link);
  linkDir(packDir, link);
  for (const name of ADD_ONS) {
    const addOnLink = path.join(userDir, 'node_modules', name);
    if (addOns[name]) linkDir(addOns[name], addOnLink);
    // A link left from a run when it was installed would point nowhere now.
    else if (readLink(addOnLink) !== undefined) fs.rmSync(addOnLink, { force: true });
  }
  if (flows !== undefined) {
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows, null, 2) + '\n');
  }
  return { settingsFile };
}

/** Resolves true when nothing listens on HOST:port (it binds the port briefly to find out). */
function isPortFree(port, host = HOST) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

const READY_LINE = /Server now running at (http:\/\/[^\s/]+)\//;

/**
 * Prepares `userDir` (prepareUserDir with `flows`, `settings` and `packDir`) and spawns Node-RED on HOST
 * with it, running `redJs` (this repository's node-red by default) with the Node.js running this
 * process. `port` 0 lets the system pick one (the actual port is read from Node-RED's "Server
 * now running at" line). `env` is added to the child's environment. `onLog(line)` sees every
 * output line; the last 300 are kept on handle.logs either way. Resolves
 * { url, port, child, logs, stop, exited } once the Admin API answers (`exited` resolves with
 * { code, signal } when the process ends); rejects, with the log tail, if Node-RED exits or is
 * not up within `timeoutMs`.
 */
function startNodeRed({
  userDir,
  port = 0,
  env = {},
  flows,
  settings,
  packDir,
  onLog,
  timeoutMs = 30000,
  redJs = require.resolve('node-red/red.js', { paths: [REPO_ROOT] }),
}) {
  const { settingsFile } = prepareUserDir(userDir, { flows, settings, packDir });
  const child = spawn(
    process.execPath,
    [redJs, '--userDir', userDir, '--settings', settingsFile, '--port', String(port)],
    {
      cwd: userDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs = [];
  let exited = child.exitCode !== null;
  const exitPromise = new Promise((resolve) => {
    const ended = (code, signal) => {
      exited = true;
      process.removeListener('exit', killOnExit);
      resolve({ code, signal });
    };
    child.once('exit', ended);
    // A process that cannot be spawned at all emits only 'error'.
    child.once('error', (err) => {
      logs.push(`spawn failed: ${err.message}`);
      ended(null, null);
    });
  });
  // Safety net: whatever happens to this process, its Node-RED does not outlive it.
  function killOnExit() {
    if (!exited) child.kill('SIGKILL');
  }
  process.on('exit', killOnExit);

  async function stop(graceMs = 10000) {
    if (exited) return exitPromise;
    child.kill('SIGINT');
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, graceMs);
    try {
      return await exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop().finally(() =>
        reject(new Error(`${reason}\n--- Node-RED output (last lines) ---\n${logs.slice(-40).join('\n')}`)),
      );
    };
    const timer = setTimeout(() => fail(`Node-RED did not start within ${timeoutMs} ms`), timeoutMs);
    exitPromise.then(({ code, signal }) => fail(`Node-RED exited early (code ${code}, signal ${signal})`));

    const onLine = (line) => {
      logs.push(line);
      if (logs.length > 300) logs.shift();
      if (onLog) onLog(line);
      const ready = READY_LINE.exec(line);
      if (ready && !settled) {
        const url = ready[1];
        waitForHttp(`${url}/settings`, Math.max(1000, timeoutMs / 2)).then(
          () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ url, port: Number(new URL(url).port), child, logs, stop, exited: exitPromise });
          },
          (err) => fail(`Node-RED did not answer HTTP: ${err.message}`),
        );
      }
    };
    lineReader(child.stdout, onLine);
    lineReader(child.stderr, onLine);
  });
}

function lineReader(stream, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split(/\r?\n/);
    rest = lines.pop();
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}

async function waitForHttp(url, timeoutMs) {
  const started = Date.now();
  let lastError;
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw lastError || new Error('timed out');
}

module.exports = {
  REPO_ROOT,
  PACKAGE,
  HOST,
  ADD_ONS,
  installedAddOns,
  settingsFor,
  prepareUserDir,
  isPortFree,
  startNodeRed,
};
