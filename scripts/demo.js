#!/usr/bin/env node
// `npm start`: the bundled RouterOS simulator, a small fleet of simulated routers beside it, and
// a real Node-RED with this pack loaded from the working tree, FlowFuse Dashboard 2.0 (a
// devDependency) beside it, and every example flow deployed, each on its own tab. Loopback only.
//
//   ROUTEROS_PORT  simulator port (default 8728; a free one is picked if it is taken)
//   ROUTEROS_FLEET_PORT  the fleet's first port (default 8740, the others follow; free ones are
//                  picked if any is taken). Node-RED gets the fleet's router list, one
//                  `name host:port` line per router, in the env var ROUTEROS_FLEET.
//   PORT           Node-RED editor port (default 1880; likewise)
//   --keep-flows   keep .node-red-demo/flows.json as you left it instead of reloading the examples
//
// Ctrl-C stops Node-RED and the simulators (a second Ctrl-C kills Node-RED at once).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startNodeRed, isPortFree, installedAddOns, REPO_ROOT, HOST } = require('./demo/node-red-runner');
const { loadExamples, mergeExamples } = require('./demo/examples');

const USER_DIR = path.join(REPO_ROOT, '.node-red-demo');
const ROUTEROS_USER = 'admin';
/** Example 11's page (its ui-base path + ui-page path), served by Dashboard 2.0. */
const DASHBOARD_PAGE = '/dashboard/router';
/** How often a pretend user logs in (and stays for a while), for the active users example. */
const VISIT_EVERY_MS = 20000;
const VISIT_LENGTH_MS = 8000;
/** Routers in the demo fleet (examples 07 and on): enough to see a fan-out, few enough to read. */
const FLEET_SIZE = 5;

function loadSimulator() {
  try {
    return require('../dist/simulator');
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
    console.error('The simulator is not built yet: run `npm run build` (or use `npm start`, which builds first).');
    process.exit(1);
  }
}

function portFromEnv(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name}=${value} is not a port number`);
    process.exit(1);
  }
  return port;
}

/** `wanted` when it is free on loopback, else 0 (the system picks one), saying so. */
async function usablePort(wanted, what) {
  if (wanted === 0 || (await isPortFree(wanted))) return wanted;
  console.log(`Port ${wanted} is taken; ${what} gets a free one instead.`);
  return 0;
}

/**
 * The demo fleet on consecutive ports from `basePort`; when one of them is taken, on any free
 * ports instead (the routers' list says where each one is).
 */
async function startFleet(RouterOSFleetSimulator, basePort) {
  const options = { host: HOST, count: FLEET_SIZE, username: ROUTEROS_USER, password: '' };
  if (basePort !== 0) {
    const fleet = new RouterOSFleetSimulator({ ...options, basePort });
    try {
      await fleet.start();
      return fleet;
    } catch (err) {
      console.log(`${err.message}; the fleet gets free ports instead.`);
    }
  }
  const fleet = new RouterOSFleetSimulator(options);
  await fleet.start();
  return fleet;
}

/**
 * Someone logs in to the simulated router now and then (a session row in /user/active, as
 * WinBox or SSH would add one) and leaves again, so example 04 has something to report.
 */
function startVisitors(sim) {
  const visitors = [
    ['alice', 'winbox'],
    ['bob', 'ssh'],
    ['carol', 'web'],
  ];
  let next = 0;
  const leaving = new Set();
  const visit = () => {
    const [name, via] = visitors[next++ % visitors.length];
    const id = sim.router.activeUsers.add([
      ['when', new Date().toISOString().replace('T', ' ').slice(0, 19)],
      ['name', name],
      ['address', HOST],
      ['via', via],
      ['group', 'read'],
      ['radius', 'false'],
    ]);
    const timer = setTimeout(() => {
      leaving.delete(timer);
      if (sim.router.activeUsers.find(id)) sim.router.activeUsers.remove(id);
    }, VISIT_LENGTH_MS);
    leaving.add(timer);
  };
  const interval = setInterval(visit, VISIT_EVERY_MS);
  return () => {
    clearInterval(interval);
    for (const timer of leaving) clearTimeout(timer);
  };
}

async function main() {
  const { RouterOSSimulator, RouterOSFleetSimulator } = loadSimulator();
  const keepFlows = process.argv.includes('--keep-flows') && fs.existsSync(path.join(USER_DIR, 'flows.json'));

  const sim = new RouterOSSimulator({
    host: HOST,
    port: await usablePort(portFromEnv('ROUTEROS_PORT', 8728), 'the simulator'),
    username: ROUTEROS_USER,
    password: '',
  });
  await sim.start();
  const stopVisitors = startVisitors(sim);
  let fleet;

  let nr;
  let stopping = false;
  async function shutdown(code) {
    if (stopping) return;
    stopping = true;
    stopVisitors();
    if (nr) await nr.stop();
    await sim.stop();
    if (fleet) await fleet.stop();
    console.log('Stopped Node-RED and the simulators.');
    process.exit(code);
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (stopping) {
        // Second signal: do not wait for a clean stop.
        if (nr) nr.child.kill('SIGKILL');
        process.exit(130);
      }
      console.log(`\n${signal}: stopping…`);
      shutdown(0);
    });
  }

  // Without the dashboard (an install without devDependencies) example 11's nodes would be of
  // unknown types, and Node-RED starts no flows at all then: leave that example out.
  const hasDashboard = Boolean(installedAddOns()['@flowfuse/node-red-dashboard']);
  const examples = loadExamples().filter((e) => hasDashboard || !e.nodes.some((n) => /^ui-/.test(n.type)));
  try {
    fleet = await startFleet(RouterOSFleetSimulator, portFromEnv('ROUTEROS_FLEET_PORT', 8740));
    nr = await startNodeRed({
      userDir: USER_DIR,
      port: await usablePort(portFromEnv('PORT', 1880), 'Node-RED'),
      flows: keepFlows ? undefined : mergeExamples(examples),
      env: {
        ROUTEROS_HOST: HOST,
        ROUTEROS_PORT: String(sim.port),
        ROUTEROS_USER: ROUTEROS_USER,
        // The whole list in one variable: a fleet node's router list set to `${ROUTEROS_FLEET}`
        // takes it, newlines included (Node-RED replaces a property that is only `${NAME}`).
        ROUTEROS_FLEET: fleet.routerList(),
      },
      onLog: (line) => console.log(`  [node-red] ${line}`),
    });
  } catch (err) {
    console.error(err.message);
    await shutdown(1);
    return;
  }
  nr.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`Node-RED stopped by itself (code ${code}, signal ${signal}).`);
    shutdown(1);
  });

  const flowsNote = keepFlows
    ? 'kept from the last run (--keep-flows)'
    : `${examples.length} examples, one tab each (reloaded at every start; --keep-flows keeps your edits)`;
  console.log(
    [
      '',
      `  Node-RED editor    ${nr.url}/`,
      hasDashboard
        ? `  Dashboard          ${nr.url}${DASHBOARD_PAGE}  (example 11, FlowFuse Dashboard 2.0)`
        : '  Dashboard          not installed (@flowfuse/node-red-dashboard), example 11 left out: run npm ci',
      `  RouterOS simulator ${HOST}:${sim.port} (user ${ROUTEROS_USER}, empty password)`,
      `  RouterOS fleet     ${fleetPorts(fleet)}: ${fleet.names[0]} … ${fleet.names[fleet.count - 1]}, same user (env ROUTEROS_FLEET)`,
      `  Flows              ${flowsNote}`,
      `  User directory     ${path.relative(process.cwd(), USER_DIR) || USER_DIR}`,
      '',
      '  Open the editor, pick a tab and press the inject buttons; results appear in the debug sidebar.',
      ...(hasDashboard ? ['  Open the dashboard to watch the simulated router live.'] : []),
      '  Ctrl-C stops Node-RED and the simulators.',
      '',
    ].join('\n'),
  );
}

/** `127.0.0.1:8740–8744`, or each port when they are not consecutive. */
function fleetPorts(fleet) {
  const ports = fleet.ports;
  const consecutive = ports.every((port, i) => port === ports[0] + i);
  return consecutive ? `${HOST}:${ports[0]}–${ports[ports.length - 1]}` : `${HOST} ports ${ports.join(', ')}`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
