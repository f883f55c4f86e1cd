'use strict';
// A loopback TCP proxy that holds every chunk for `delayMs` in each direction: a router a
// round trip of 2 × delayMs away, where a simulator in the same process answers at once.
// Timers of equal delay fire in order, so the byte stream keeps its order.
const net = require('node:net');

async function startLatencyProxy(targetPort, delayMs) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const relay = (from, to) => from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
    relay(client, upstream);
    relay(upstream, client);
    client.on('close', () => setTimeout(() => upstream.destroy(), delayMs));
    upstream.on('close', () => setTimeout(() => client.destroy(), delayMs));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

module.exports = { startLatencyProxy };
