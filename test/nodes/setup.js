'use strict';
// Shared set-up for node tests: the test helper with our four nodes plus the core nodes the
// flows use (catch, complete, status, join), a simulator per test, and flow builders.
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const { RouterOSSimulator } = require('../../dist/simulator');
const { connect } = require('../../dist/client');

helper.init(require.resolve('node-red'));

const core = (file) => require(path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core', file));

const ourNodes = [
  require('../../nodes/routeros-connection.js'),
  require('../../nodes/routeros-command.js'),
  require('../../nodes/routeros-listen.js'),
  require('../../nodes/routeros-cancel.js'),
  require('../../nodes/routeros-ensure.js'),
];
const coreNodes = [
  core('common/25-catch.js'),
  core('common/24-complete.js'),
  core('common/25-status.js'),
  core('sequence/17-split.js'),
];
const allNodes = [...ourNodes, ...coreNodes];

const TAB = 'tab1';

function connectionNode(sim, extra = {}) {
  return {
    id: 'conn',
    type: 'routeros-connection',
    name: 'sim',
    host: '127.0.0.1',
    port: String(sim.port),
    username: 'admin',
    useTls: false,
    encoding: 'utf8',
    timeout: '3',
    ...extra,
  };
}

function flow(sim, nodes, connectionExtra) {
  return [
    { id: TAB, type: 'tab', label: 'test' },
    connectionNode(sim, connectionExtra),
    // Nodes on a tab need x and y, or the runtime files them as config nodes.
    { id: 'out', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'caught', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'catch', type: 'catch', z: TAB, x: 0, y: 0, scope: null, uncaught: false, wires: [['caught']] },
    ...nodes.map((n) => ({ z: TAB, x: 0, y: 0, connection: 'conn', wires: [['out']], ...n })),
  ];
}

async function startSimulator(options) {
  const sim = new RouterOSSimulator(options);
  await sim.start();
  return sim;
}

/** Unloads the flow, then stops the simulator if there is one: a node test's clean-up. */
async function unloadAndStop(sim) {
  await helper.unload();
  if (sim) await sim.stop();
}

/** Changes an interface through a second API session, as another admin would. */
async function setInterface(sim, attributes) {
  const api = await connect({ host: '127.0.0.1', port: sim.port });
  try {
    await api.oneshot('/interface/set', { attributes });
  } finally {
    await api.close();
  }
}

/** Resolves with the next message a helper node receives. */
function nextMessage(nodeId, timeout = 3000) {
  const node = helper.getNode(nodeId);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message reached ${nodeId} within ${timeout} ms`)), timeout);
    node.once('input', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Resolves with the first message reaching a helper node that matches `predicate`. */
function messageMatching(nodeId, predicate, timeout = 3000) {
  const node = helper.getNode(nodeId);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      node.off('input', onInput);
      reject(new Error(`no matching message reached ${nodeId} within ${timeout} ms`));
    }, timeout);
    function onInput(msg) {
      if (!predicate(msg)) return;
      clearTimeout(timer);
      node.off('input', onInput);
      resolve(msg);
    }
    node.on('input', onInput);
  });
}

/**
 * Sends a marked message through a command node and waits for its answer at `output`: a
 * deterministic "nothing more is coming" signal instead of a sleep. The router answers one
 * connection in order and Node-RED delivers messages in order, so whatever the router sent on
 * that connection before (a listen event, a late reply) has reached the flow by then.
 * `extra` goes on the probe message (say, a msg.command for a node without one).
 */
let probes = 0;
async function roundTrip(commandId = 'cmd', output = 'out', extra = {}) {
  const probe = ++probes;
  const answered = messageMatching(output, (msg) => msg.probe === probe);
  helper.getNode(commandId).receive({ ...extra, probe });
  return answered;
}

/**
 * Records every call of `done` for messages of node `nodeId`, through Node-RED's documented
 * onComplete hook (it runs once per done(), with or without an error). Call `stop()` after.
 */
function recordDone(nodeId) {
  const calls = [];
  const hookId = `onComplete.routerosTest${++probes}`;
  helper._RED.hooks.add(hookId, (event) => {
    if (event.node.id === nodeId) calls.push(event.msg);
  });
  calls.stop = () => helper._RED.hooks.remove(hookId);
  return calls;
}

/** Collects messages arriving at a helper node. */
function collect(nodeId) {
  const messages = [];
  helper.getNode(nodeId).on('input', (msg) => messages.push(msg));
  return messages;
}

/** Waits until a node's latest status matches `predicate`. */
function statusMatching(nodeId, predicate, timeout = 5000) {
  const node = helper.getNode(nodeId);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      node.off('call:status', onStatus);
      reject(new Error(`${nodeId}: no matching status within ${timeout} ms`));
    }, timeout);
    function onStatus(call) {
      const status = call.args[0];
      if (predicate(status)) {
        clearTimeout(timer);
        node.off('call:status', onStatus);
        resolve(status);
      }
    }
    node.on('call:status', onStatus);
  });
}

module.exports = {
  setInterface,
  helper,
  allNodes,
  flow,
  connectionNode,
  startSimulator,
  unloadAndStop,
  nextMessage,
  messageMatching,
  roundTrip,
  recordDone,
  collect,
  statusMatching,
  TAB,
};
