'use strict';
// Shared pieces of the reliability tests: sessions with small timeouts and backoff, state
// recorders, a second admin changing the router, and Node-RED flows built on test/nodes/setup.js
// (plus the core tls-config and debug nodes).
const path = require('node:path');
const { RouterOSSession, connect, Backoff } = require('../../dist/client');
const setup = require('../nodes/setup');

const CERTS = path.join(__dirname, '..', '..', 'bin', 'simulator-certs');
// A certificate the simulator's CA did not issue for loopback, for mismatch tests (not shipped).
const TEST_CERTS = path.join(__dirname, '..', 'certs');
const coreDir = path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core');
const tlsNode = require(path.join(coreDir, 'network', '05-tls.js'));
const debugNode = require(path.join(coreDir, 'common', '21-debug.js'));
const nodesWithTls = [...setup.allNodes, tlsNode, debugNode];

/** A session on the simulator with test-sized timeouts and backoff. */
function makeSession(sim, extra = {}) {
  return new RouterOSSession({
    host: '127.0.0.1',
    port: sim.port,
    connectTimeout: 1000,
    backoff: { initial: 20, max: 100 },
    ...extra,
  });
}

/** Records every `state` event of a session as [state, message]. */
function recordStates(session) {
  const list = [];
  session.on('state', (state, error) => list.push([state, error ? error.message : undefined]));
  return list;
}

/** Resolves on the session's next `state` event matching (state, error). */
function nextState(session, wanted, timeout = 3000, test = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.off('state', onState);
      reject(new Error(`session did not reach ${wanted} within ${timeout} ms (now ${session.state})`));
    }, timeout);
    function onState(state, error) {
      if (state !== wanted || !test(error)) return;
      clearTimeout(timer);
      session.off('state', onState);
      resolve(error);
    }
    session.on('state', onState);
  });
}

/** Waits for `connected` unless the session already is. */
function connected(session, timeout) {
  return session.connected ? Promise.resolve() : nextState(session, 'connected', timeout);
}

/** Changes an interface through a separate API session, as another admin would. */
async function setInterface(sim, attributes) {
  const api = await connect({ host: '127.0.0.1', port: sim.port, connectTimeout: 2000 });
  try {
    await api.oneshot('/interface/set', { attributes });
  } finally {
    await api.close();
  }
}

/** Resolves when the simulator receives a command whose first word is `path`. */
function commandSeen(sim, path, timeout = 3000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sim.off('command', onCommand);
      reject(new Error(`the simulator got no ${path} within ${timeout} ms`));
    }, timeout);
    function onCommand(event) {
      if (event.words[0] !== path) return;
      clearTimeout(timer);
      sim.off('command', onCommand);
      resolve(event);
    }
    sim.on('command', onCommand);
  });
}

/**
 * Records the reconnect delays every Backoff hands out (and its resets), so a test checks that
 * they grow without timing the retries. `restore()` puts the real methods back.
 */
function recordBackoff() {
  const { next, reset } = Backoff.prototype;
  const record = { delays: [], resets: 0 };
  Backoff.prototype.next = function () {
    const delay = next.call(this);
    record.delays.push(delay);
    return delay;
  };
  Backoff.prototype.reset = function () {
    record.resets++;
    return reset.call(this);
  };
  record.restore = () => Object.assign(Backoff.prototype, { next, reset });
  return record;
}

/** A routeros-connection config node. */
function connectionConfig(id, port, extra = {}) {
  return {
    id,
    type: 'routeros-connection',
    name: `router ${id}`, // not the id itself: Node-RED would see a config node depending on itself
    host: '127.0.0.1',
    port: String(port),
    username: 'admin',
    useTls: false,
    encoding: 'utf8',
    timeout: '1',
    ...extra,
  };
}

/**
 * A flow: the given config nodes, a catch node feeding `caught`, an `out` helper, and the given
 * tab nodes (placed on the tab, wired to `out` unless they say otherwise).
 */
function tabFlow(configs, nodes) {
  const tab = setup.TAB;
  return [
    { id: tab, type: 'tab', label: 'reliability' },
    ...configs,
    { id: 'out', type: 'helper', z: tab, x: 0, y: 0, wires: [] },
    { id: 'caught', type: 'helper', z: tab, x: 0, y: 0, wires: [] },
    { id: 'catch', type: 'catch', z: tab, x: 0, y: 0, scope: null, uncaught: false, wires: [['caught']] },
    ...nodes.map((n) => ({ z: tab, x: 0, y: 0, wires: [['out']], ...n })),
  ];
}

/** A routeros-command node on the connection `conn` (`extra` may name another). */
function commandNode(id, command, mode, extra = {}) {
  return { id, type: 'routeros-command', connection: 'conn', command, mode, ...extra };
}

/** A routeros-listen node on the connection `conn`, listening to /interface/listen from deploy on. */
function listenNode(id, tag, extra = {}) {
  return {
    id,
    type: 'routeros-listen',
    connection: 'conn',
    command: '/interface/listen',
    tag,
    autoStart: true,
    ...extra,
  };
}

/**
 * A tabFlow with the connection `conn` to `port` (`connection` merged into its config), the
 * config nodes `configs` beside it, and `nodes` on the tab.
 */
function flowOn(port, nodes, { connection, configs = [] } = {}) {
  return tabFlow([connectionConfig('conn', port, connection), ...configs], nodes);
}

/** Loads flowOn(port, nodes, options) with the node modules `nodeSet`; `conn` has no password. */
function loadFlow(port, nodes, { nodeSet = setup.allNodes, ...options } = {}) {
  return setup.helper.load(nodeSet, flowOn(port, nodes, options), { conn: { password: '' } });
}

/** Log lines a node wrote at INFO or above (WARN, ERROR ...), as [level, msg]. */
function logLinesOf(helper, nodeId) {
  return helper
    .log()
    .args.map((a) => a[0])
    .filter((entry) => entry && entry.id === nodeId && entry.level <= helper.log().INFO)
    .map((entry) => [entry.level, entry.msg]);
}

/** Every status a node has shown since the flow was loaded (from the helper's spy). */
function statusesOf(helper, nodeId) {
  return helper._NodePrototype.status
    .getCalls()
    .filter((call) => call.thisValue && call.thisValue.id === nodeId)
    .map((call) => call.args[0]);
}

/** Resolves with the node's current status if it matches, else with the next one that does. */
function statusNowOrNext(nodeId, predicate, timeout = 5000) {
  const shown = statusesOf(setup.helper, nodeId);
  const current = shown[shown.length - 1];
  if (current && predicate(current)) return Promise.resolve(current);
  return setup.statusMatching(nodeId, predicate, timeout);
}

module.exports = {
  statusesOf,
  statusNowOrNext,
  ...setup,
  CERTS,
  TEST_CERTS,
  nodesWithTls,
  makeSession,
  recordStates,
  nextState,
  connected,
  setInterface,
  commandSeen,
  recordBackoff,
  connectionConfig,
  tabFlow,
  commandNode,
  listenNode,
  flowOn,
  loadFlow,
  logLinesOf,
};
