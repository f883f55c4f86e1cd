'use strict';
// Scenario 4, one side: `count` one-shot commands issued together on one connection, each
// answered by the replay server with one `!re` and `!done`. Reports the total time and each
// command's latency (issue → its promise settled).
const { serveWorker, collectGarbage, now, msSince } = require('../lib/child');
const { connectOurs, connectNodeRouteros, closeNodeRouteros } = require('../lib/clients');
const { percentile } = require('../lib/stats');

async function sideOneshot(side, port) {
  if (side === 'ours') {
    const client = await connectOurs(port);
    return { call: (command) => client.oneshot(command), close: () => client.close() };
  }
  const api = await connectNodeRouteros(port);
  return { call: (command) => api.write(command), close: () => closeNodeRouteros(api) };
}

async function burst(call, command, count) {
  const latencies = new Array(count);
  const start = now();
  const pending = [];
  for (let i = 0; i < count; i++) {
    const issued = now();
    pending.push(
      call(command).then((reply) => {
        latencies[i] = msSince(issued);
        return reply;
      }),
    );
  }
  const replies = await Promise.all(pending);
  const total = msSince(start);
  for (const reply of replies) {
    const row = Array.isArray(reply) ? reply[0] : reply;
    if (!row || row.name !== 'bench-router') throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  }
  return { total, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

serveWorker({
  async setup(args) {
    const s = await sideOneshot(args.side, args.port);
    await burst(s.call, args.command, args.count); // warm-up
    await burst(s.call, args.command, args.count);
    return { ...args, s };
  },
  run(state) {
    collectGarbage();
    return burst(state.s.call, state.command, state.count);
  },
  async finish(state) {
    await state.s.close();
    return {};
  },
});
