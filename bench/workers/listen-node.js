'use strict';
// Scenario 3b: the same stream through Node-RED: a routeros-listen node wired to a function
// node that counts the messages, in node-red-node-test-helper's runtime. Reports the time from
// the listen node's input to the counter's last message, and RSS growth while streaming.
const path = require('node:path');
const { serveWorker, peakRss, collectGarbage, now, msSince } = require('../lib/child');
const { ROOT, DIST, CREDENTIALS } = require('../lib/clients');
const { RssSampler } = require('../lib/rss');

/** Node methods node-red-node-test-helper wraps in sinon spies (its PROXY_METHODS). */
const WRAPPED_METHODS = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'];

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

function counterCode(counts) {
  return `
const want = ${JSON.stringify(counts)}[msg.topic];
const n = (context.get('n') || 0) + 1;
if (n >= want) { context.set('n', 0); return { payload: n, topic: msg.topic }; }
context.set('n', n);
return null;`;
}

serveWorker({
  async setup({ port, tag, command, rows, warmCommand, warmRows, counter = 'function', timeoutMs = 120_000 }) {
    const counts = { [command]: rows, [warmCommand]: warmRows };
    const helper = require(path.join(ROOT, 'node_modules', 'node-red-node-test-helper'));
    helper.init(require.resolve(path.join(ROOT, 'node_modules', 'node-red')));
    const core = (file) =>
      require(
        path.join(path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [ROOT] })), 'core', file),
      );
    const nodes = [
      require(path.join(DIST, 'nodes', 'routeros-connection.js')),
      require(path.join(DIST, 'nodes', 'routeros-listen.js')),
      core('function/10-function.js'),
    ];
    const flow = [
      { id: 'tab', type: 'tab', label: 'bench' },
      {
        id: 'conn',
        type: 'routeros-connection',
        host: '127.0.0.1',
        port: String(port),
        username: CREDENTIALS.username,
        useTls: false,
        encoding: 'utf8',
        timeout: '30',
      },
      { id: 'out', type: 'helper', z: 'tab' },
    ];
    // listen → a function node that counts (context.get/set) and sends one message at the end,
    // or → a plain node whose input handler counts: the runtime's messaging without a vm.
    const viaFunction = counter === 'function';
    flow.push({
      id: 'listen',
      type: 'routeros-listen',
      z: 'tab',
      connection: 'conn',
      command: '',
      tag,
      autoStart: false,
      parseValues: false,
      wires: [[viaFunction ? 'count' : 'out']],
    });
    if (viaFunction) {
      flow.push({ id: 'count', type: 'function', z: 'tab', func: counterCode(counts), outputs: 1, wires: [['out']] });
    }
    await new Promise((resolve, reject) => {
      helper.startServer((err) => (err ? reject(err) : resolve()));
    });
    const nodePrototype = helper._NodePrototype;
    const ownMethods = {};
    for (const name of WRAPPED_METHODS) ownMethods[name] = nodePrototype[name];
    const ownLog = helper._log.log;
    await helper.load(nodes, flow, { conn: { password: CREDENTIALS.password } });
    const conn = helper.getNode('conn');
    const listen = helper.getNode('listen');
    const out = helper.getNode('out');
    await waitFor(() => conn.session && conn.session.connected, 10_000, 'connection');

    // The helper wraps Node.prototype.send/status/log... and the runtime's log.log in sinon spies
    // that record every call (with its message): fine for tests, but at a million messages it
    // measures sinon and keeps every message alive. Restore the runtime's own methods; watch
    // the listen node's status through a thin wrapper on that one node instead.
    for (const name of WRAPPED_METHODS) nodePrototype[name] = ownMethods[name];
    helper._log.log = ownLog; // every Node.send logs a metric event through it
    // Each node copies Node.prototype.send onto itself when it is wired (updateWires).
    for (const { id } of flow) {
      const node = helper.getNode(id);
      if (node && Object.prototype.hasOwnProperty.call(node, 'send')) node.send = ownMethods.send;
    }
    let lastStatus = '';
    const ownStatus = listen.status;
    listen.status = function (status) {
      lastStatus = status && status.text;
      return ownStatus.call(this, status);
    };
    const runOnce = async (cmd, want) => {
      lastStatus = '';
      const finished = new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`listen node: no count message within ${timeoutMs} ms`)),
          timeoutMs,
        );
        if (counter === 'function') {
          out.once('input', (msg) => {
            clearTimeout(timer);
            resolve(msg);
          });
        } else {
          let n = 0;
          const onInput = (msg) => {
            if (++n < counts[msg.topic]) return;
            out.off('input', onInput);
            clearTimeout(timer);
            resolve({ payload: n, topic: msg.topic });
          };
          out.on('input', onInput);
        }
      });
      const start = now();
      listen.receive({ command: cmd });
      const msg = await finished;
      const ms = msSince(start);
      if (msg.payload !== want || msg.topic !== cmd) throw new Error(`listen node counted ${msg.payload} of ${want}`);
      await waitFor(() => lastStatus === 'routeros-listen.status.finished', 10_000, 'stream end');
      return ms;
    };

    await runOnce(warmCommand, warmRows);
    return { helper, runOnce, command, rows };
  },
  async run(state) {
    collectGarbage();
    const base = process.memoryUsage.rss();
    const sampler = new RssSampler().start();
    const ms = await state.runOnce(state.command, state.rows);
    return { ms, growth: sampler.stop() - base };
  },
  async finish(state) {
    const result = { peakRss: peakRss() };
    await state.helper.unload();
    await new Promise((resolve) => state.helper.stopServer(resolve));
    return result;
  },
});
