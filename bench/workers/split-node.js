'use strict';
// Scenario 3d, one side: one message per row in Node-RED.
// - ours: routeros-command in split mode runs the print (over loopback, from the bench server)
//   and sends one message per row, to a plain counting node;
// - core-split: Node-RED's core split node splits the same rows, already an array of row
//   objects (decoded from the same bytes beforehand), into one message per row, to the same
//   counting node.
// A run is the time from the input message to the counter's last message.
const path = require('node:path');
const { serveWorker, peakRss, collectGarbage, now, msSince } = require('../lib/child');
const { DIST, CREDENTIALS } = require('../lib/clients');
const { startFlow, stopFlow, coreNode, countInputs } = require('../lib/nodered');
const { encodeRoutes } = require('../lib/rows');
const { encodeBgpRoutes } = require('../lib/bgp-rows');

/** The rows of a print as our client returns them (decoded from the same bytes the server sends). */
function rowsOf(count, shape) {
  const { SentenceDecoder, parseReply } = require(path.join(DIST, 'protocol'));
  const rows = [];
  const decoder = new SentenceDecoder((raw) => {
    const reply = parseReply(raw, 'utf8');
    if (reply.type === '!re') rows.push(reply.attributes);
  });
  decoder.push((shape === 'unique' ? encodeBgpRoutes : encodeRoutes)(count, '2').buffer);
  return rows;
}

async function oursFlow({ port, command }) {
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
      timeout: '120',
    },
    {
      id: 'cmd',
      type: 'routeros-command',
      z: 'tab',
      connection: 'conn',
      command: '',
      mode: 'array',
      split: true,
      parseValues: false,
      wires: [['out']],
    },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
  const nodes = [
    require(path.join(DIST, 'nodes', 'routeros-connection.js')),
    require(path.join(DIST, 'nodes', 'routeros-command.js')),
  ];
  const helper = await startFlow(nodes, flow, { conn: { password: CREDENTIALS.password } });
  const conn = helper.getNode('conn');
  const started = Date.now();
  while (!(conn.session && conn.session.connected)) {
    if (Date.now() - started > 10_000) throw new Error('connection not up within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const cmd = helper.getNode('cmd');
  return { helper, input: (rows) => ({ node: cmd, msg: { command: rows.command ?? command, payload: 'go' } }) };
}

async function coreSplitFlow() {
  const flow = [
    { id: 'tab', type: 'tab', label: 'bench' },
    {
      id: 'splitter',
      type: 'split',
      z: 'tab',
      splt: '\\n',
      spltType: 'str',
      arraySplt: 1,
      arraySpltType: 'len',
      stream: false,
      addname: '',
      wires: [['out']],
    },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
  const helper = await startFlow([coreNode('sequence/17-split.js')], flow);
  return { helper, input: (rows) => ({ node: helper.getNode('splitter'), msg: { payload: rows.array } }) };
}

serveWorker({
  async setup({ side, port, command, rows, shape = 'repeating', warmCommand, warmRows, timeoutMs = 120_000 }) {
    const { helper, input } = side === 'ours' ? await oursFlow({ port, command }) : await coreSplitFlow();
    const out = helper.getNode('out');
    const data = side === 'ours' ? {} : { main: rowsOf(rows, shape), warm: rowsOf(warmRows, shape) };
    const runOnce = async (count, which) => {
      const what =
        side === 'ours'
          ? { command: which === 'warm' ? warmCommand : command }
          : { array: which === 'warm' ? data.warm : data.main };
      const { node, msg } = input(what);
      const counted = countInputs(out, count, timeoutMs);
      const start = now();
      node.receive(msg);
      await counted;
      return msSince(start);
    };
    await runOnce(warmRows, 'warm');
    return { helper, runOnce, rows };
  },
  async run(state) {
    collectGarbage();
    return { ms: await state.runOnce(state.rows, 'main') };
  },
  async finish(state) {
    const result = { peakRss: peakRss() };
    await stopFlow(state.helper);
    return result;
  },
});
