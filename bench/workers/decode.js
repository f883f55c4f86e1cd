'use strict';
// Scenario 1, one side: decode one pre-encoded reply of route rows fed in 64 KiB chunks, into
// row objects, timed with tinybench. Ours: SentenceDecoder + parseReply (what the client does
// per sentence). node-routeros: its Receiver fed the way its Connector feeds it, answering a
// Channel that parses each packet into a row object.
const path = require('node:path');
const { Bench } = require('tinybench');
const { serveWorker, peakRss } = require('../lib/child');
const { encodeRoutes } = require('../lib/rows');
const { encodeBgpRoutes } = require('../lib/bgp-rows');
const { ROOT, DIST } = require('../lib/clients');

const TAG = '2';

function chunksOf(buffer, size) {
  const chunks = [];
  for (let offset = 0; offset < buffer.length; offset += size) chunks.push(buffer.subarray(offset, offset + size));
  return chunks;
}

function oursDecoder(chunks) {
  const { SentenceDecoder, parseReply } = require(path.join(DIST, 'protocol'));
  return () => {
    let rows = 0;
    let last;
    const decoder = new SentenceDecoder((raw) => {
      const reply = parseReply(raw, 'utf8');
      if (reply.type === '!re') {
        rows++;
        last = reply.attributes;
      }
    });
    for (const chunk of chunks) decoder.push(chunk);
    return { rows, last };
  };
}

function nodeRouterosDecoder(chunks) {
  const { Receiver } = require(path.join(ROOT, 'node_modules', 'node-routeros', 'dist', 'connector', 'Receiver'));
  const { Channel } = require(path.join(ROOT, 'node_modules', 'node-routeros', 'dist', 'Channel'));
  return () => {
    let rows = 0;
    let last;
    let done = false;
    // The Connector's part: owns the Receiver, hands it each socket chunk, routes tag readers.
    const fakeSocket = { emit() {} };
    const receiver = new Receiver(fakeSocket);
    const connector = {
      read: (tag, callback) => receiver.read(tag, callback),
      stopRead: (tag) => receiver.stop(tag),
      write() {},
    };
    const channel = new Channel(connector);
    channel.id = TAG;
    channel.on('data', (row) => {
      rows++;
      last = row;
    });
    channel.once('done', () => {
      done = true;
    });
    channel.write(['/ip/route/print'], false, false);
    for (const chunk of chunks) receiver.processRawData(chunk);
    if (!done) throw new Error(`node-routeros did not finish the reply (${rows} rows seen)`);
    return { rows, last };
  };
}

function check(side, outcome, rows) {
  if (outcome.rows !== rows) throw new Error(`${side} decoded ${outcome.rows} of ${rows} rows`);
  if (outcome.last['routing-table'] !== 'main' || !/^\*[0-9A-F]+$/.test(outcome.last['.id'])) {
    throw new Error(`${side} produced a wrong row: ${JSON.stringify(outcome.last)}`);
  }
}

serveWorker({
  setup({ side, rows, shape = 'repeating', chunkSize = 65536 }) {
    const { buffer, bytes } = (shape === 'unique' ? encodeBgpRoutes : encodeRoutes)(rows, TAG);
    const chunks = chunksOf(buffer, chunkSize);
    const decode = side === 'ours' ? oursDecoder(chunks) : nodeRouterosDecoder(chunks);
    return { side, rows, bytes, decode };
  },
  // One block of iterations, timed by tinybench; the parent alternates blocks between sides.
  async run(state, { iterations, warmupIterations }) {
    let outcome;
    const bench = new Bench({
      iterations,
      time: 0,
      warmup: warmupIterations > 0,
      warmupIterations,
      warmupTime: 0,
      retainSamples: true,
      throws: true,
    });
    bench.add(`decode ${state.side}`, () => {
      outcome = state.decode();
    });
    await bench.run();
    const result = bench.tasks[0].result;
    if (!result || !result.latency) throw new Error(`tinybench gave no result: ${result && result.state}`);
    check(state.side, outcome, state.rows);
    return [...result.latency.samples];
  },
  finish(state) {
    return { bytes: state.bytes, peakRss: peakRss() };
  },
});
