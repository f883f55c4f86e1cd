'use strict';
// Scenario 3, one side: a reply streamed row by row (nothing kept), against the replay server.
// Ours: client.stream() with onRow. node-routeros: api.stream() with its callback. Reports the
// time per run and how far RSS rose above the idle baseline while streaming.
const { serveWorker, peakRss, collectGarbage, now, msSince } = require('../lib/child');
const { connectOurs, connectNodeRouteros, closeNodeRouteros } = require('../lib/clients');
const { RssSampler } = require('../lib/rss');

async function sideStream(side, port, tag) {
  if (side === 'ours') {
    const client = await connectOurs(port);
    return {
      stream: async (command) => {
        let rows = 0;
        const handle = client.stream(command, undefined, { tag, onRow: () => rows++ });
        await handle.done;
        return rows;
      },
      close: () => client.close(),
    };
  }
  const api = await connectNodeRouteros(port);
  return {
    stream: (command) =>
      new Promise((resolve, reject) => {
        let rows = 0;
        api.benchTag = tag;
        const stream = api.stream([command], (err, packet) => {
          if (err) reject(err);
          // Its empty-data debounce calls back with [] after a quiet spell: not a row.
          else if (packet && !Array.isArray(packet)) rows++;
        });
        api.benchTag = undefined;
        stream.once('done', () => {
          // Ends its debounce timer and frees the channel, as a caller would after the end.
          Promise.race([stream.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]).then(
            () => resolve(rows),
          );
        });
      }),
    close: () => closeNodeRouteros(api),
  };
}

function check(side, got, want) {
  if (got !== want) throw new Error(`${side}: streamed ${got} rows, expected ${want}`);
}

serveWorker({
  async setup(args) {
    const s = await sideStream(args.side, args.port, args.tag);
    check(args.side, await s.stream(args.warmCommand), args.warmRows);
    return { ...args, s };
  },
  async run(state) {
    collectGarbage();
    const base = process.memoryUsage.rss();
    const sampler = new RssSampler().start();
    const start = now();
    const got = await state.s.stream(state.command);
    const ms = msSince(start);
    const growth = sampler.stop() - base;
    check(state.side, got, state.rows);
    return { ms, growth };
  },
  async finish(state) {
    const result = { peakRss: peakRss() };
    await state.s.close();
    return result;
  },
});
