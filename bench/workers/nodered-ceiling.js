'use strict';
// Node-RED's own ceiling for the listen-node comparison: a source node that sends `rows`
// messages, each with a fresh 4-property payload, to the same plain counting node the listen
// scenario uses (no function node, no client). It sends in batches of about one 64 KiB socket
// read's worth of rows (256) and lets the event loop turn between batches, as a stream does.
const { serveWorker, peakRss, collectGarbage, now, msSince } = require('../lib/child');
const { startFlow, stopFlow, countInputs } = require('../lib/nodered');
const { RssSampler } = require('../lib/rss');

const BATCH = 256;

/** A node type whose input handler sends msg.count messages to its output. */
function sourceNodes(RED) {
  RED.nodes.registerType('bench-source', function BenchSource(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    node.on('input', (msg) => {
      const count = msg.count;
      let sent = 0;
      const batch = () => {
        const end = Math.min(count, sent + BATCH);
        for (; sent < end; sent++) {
          node.send({ payload: { '.id': `*${sent}`, name: 'ether1', running: 'true', mtu: '1500' }, topic: 'bench' });
        }
        if (sent < count) setImmediate(batch);
      };
      batch();
    });
  });
}

serveWorker({
  async setup({ rows, warmRows, timeoutMs = 120_000 }) {
    const flow = [
      { id: 'tab', type: 'tab', label: 'bench' },
      { id: 'source', type: 'bench-source', z: 'tab', wires: [['out']] },
      { id: 'out', type: 'helper', z: 'tab' },
    ];
    const helper = await startFlow([sourceNodes], flow);
    const source = helper.getNode('source');
    const out = helper.getNode('out');
    const runOnce = async (count) => {
      const counted = countInputs(out, count, timeoutMs);
      const start = now();
      source.receive({ count });
      await counted;
      return msSince(start);
    };
    await runOnce(warmRows);
    return { helper, runOnce, rows };
  },
  async run(state) {
    collectGarbage();
    const base = process.memoryUsage.rss();
    const sampler = new RssSampler().start();
    const ms = await state.runOnce(state.rows);
    return { ms, growth: sampler.stop() - base };
  },
  async finish(state) {
    const result = { peakRss: peakRss() };
    await stopFlow(state.helper);
    return result;
  },
});
