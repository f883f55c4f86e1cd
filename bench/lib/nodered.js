'use strict';
// A Node-RED runtime for the bench workers: node-red-node-test-helper's, with the runtime's own
// Node methods put back after the flow is loaded. The helper wraps Node.prototype.send/status/
// log... and the runtime's log.log in sinon spies that record every call with its message: fine
// for tests, but at a million messages that measures sinon and keeps every message alive.
const path = require('node:path');
const { ROOT } = require('./clients');

/** Node methods node-red-node-test-helper wraps in sinon spies (its PROXY_METHODS). */
const WRAPPED_METHODS = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'];

function coreNode(file) {
  const dir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [ROOT] }));
  return require(path.join(dir, 'core', file));
}

/** Starts the runtime, loads `flow` with `nodes`, restores the runtime's methods; returns the helper. */
async function startFlow(nodes, flow, credentials = {}) {
  const helper = require(path.join(ROOT, 'node_modules', 'node-red-node-test-helper'));
  helper.init(require.resolve(path.join(ROOT, 'node_modules', 'node-red')));
  await new Promise((resolve, reject) => helper.startServer((err) => (err ? reject(err) : resolve())));
  const nodePrototype = helper._NodePrototype;
  const ownMethods = {};
  for (const name of WRAPPED_METHODS) ownMethods[name] = nodePrototype[name];
  const ownLog = helper._log.log;
  await helper.load(nodes, flow, credentials);
  for (const name of WRAPPED_METHODS) nodePrototype[name] = ownMethods[name];
  helper._log.log = ownLog; // every Node.send logs a metric event through it
  // Each node copies Node.prototype.send onto itself when it is wired (updateWires).
  for (const { id } of flow) {
    const node = helper.getNode(id);
    if (node && Object.prototype.hasOwnProperty.call(node, 'send')) node.send = ownMethods.send;
  }
  return helper;
}

async function stopFlow(helper) {
  await helper.unload();
  await new Promise((resolve) => helper.stopServer(resolve));
}

/** Resolves with the count once `node` (a helper node) has received `want` messages. */
function countInputs(node, want, timeoutMs) {
  return new Promise((resolve, reject) => {
    let n = 0;
    const timer = setTimeout(() => {
      node.off('input', onInput);
      reject(new Error(`only ${n} of ${want} messages within ${timeoutMs} ms`));
    }, timeoutMs);
    const onInput = () => {
      if (++n < want) return;
      node.off('input', onInput);
      clearTimeout(timer);
      resolve(n);
    };
    node.on('input', onInput);
  });
}

module.exports = { startFlow, stopFlow, coreNode, countInputs };
