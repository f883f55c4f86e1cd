'use strict';
// node-red-node-test-helper's runtime for the bench, without the helper's test spies: it wraps
// Node.prototype.send/status/log... and the runtime's log.log in sinon spies that record every
// call with its message (fine for tests; at thousands of messages it measures sinon and keeps
// every message alive). loadFlow() puts the runtime's own methods back after each load.
const path = require('node:path');
const { ROOT, DIST } = require('./clients');

/** Node methods node-red-node-test-helper wraps in sinon spies (its PROXY_METHODS). */
const WRAPPED_METHODS = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'];

async function startRuntime() {
  const helper = require(path.join(ROOT, 'node_modules', 'node-red-node-test-helper'));
  helper.init(require.resolve(path.join(ROOT, 'node_modules', 'node-red')));
  await new Promise((resolve, reject) => helper.startServer((err) => (err ? reject(err) : resolve())));
  const nodePrototype = helper._NodePrototype;
  const ownMethods = {};
  for (const name of WRAPPED_METHODS) ownMethods[name] = nodePrototype[name];
  const ownLog = helper._log.log;

  /** Loads `flow` (our node types by file name) and restores the runtime's own methods. */
  async function loadFlow(types, flow, credentials) {
    const modules = types.map((type) => require(path.join(DIST, 'nodes', `${type}.js`)));
    await helper.load(modules, flow, credentials);
    for (const name of WRAPPED_METHODS) nodePrototype[name] = ownMethods[name];
    helper._log.log = ownLog; // every Node.send logs a metric event through it
    // Each node copies Node.prototype.send onto itself when it is wired (updateWires).
    for (const { id } of flow) {
      const node = helper.getNode(id);
      if (node && Object.prototype.hasOwnProperty.call(node, 'send')) node.send = ownMethods.send;
    }
  }

  async function stop() {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
  }

  return { helper, loadFlow, unload: () => helper.unload(), getNode: (id) => helper.getNode(id), stop };
}

function waitFor(predicate, timeoutMs, what) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`${what} not reached within ${timeoutMs} ms`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

module.exports = { startRuntime, waitFor };
