'use strict';
// A loopback TCP proxy in front of a test router, to make the link misbehave:
// - throttle(bytesPerTick, tickMs): the router's bytes reach the client at a slow, steady rate;
// - silence(): every open connection goes quiet both ways while its socket stays open (a
//   half-open link: the router rebooted behind NAT); new connections still work;
// - silenceAfter(bytes): the router → client direction stops after that many more bytes.
const net = require('node:net');

async function tcpProxy(targetPort) {
  const links = new Set();
  let throttle;
  let budget = Infinity;

  const server = net.createServer((client) => {
    const router = net.connect({ host: '127.0.0.1', port: targetPort });
    const link = { client, router, silent: false, queue: [], timer: undefined };
    links.add(link);
    const end = () => {
      clearInterval(link.timer);
      links.delete(link);
      client.destroy();
      router.destroy();
    };
    client.on('error', end).on('close', end);
    router.on('error', end).on('close', end);
    client.on('data', (chunk) => {
      if (!link.silent) router.write(chunk);
    });
    router.on('data', (chunk) => {
      if (link.silent) return;
      if (throttle) link.queue.push(chunk);
      else forward(link, chunk);
    });
    if (throttle) {
      link.timer = setInterval(() => drip(link), throttle.tickMs);
    }
  });

  function forward(link, chunk) {
    if (budget === Infinity) {
      link.client.write(chunk);
      return;
    }
    const part = chunk.subarray(0, Math.max(0, budget));
    budget -= part.length;
    if (part.length > 0) link.client.write(part);
    if (budget <= 0) link.silent = true;
  }

  function drip(link) {
    let left = throttle.bytesPerTick;
    while (left > 0 && link.queue.length > 0 && !link.silent) {
      const head = link.queue[0];
      const part = head.subarray(0, left);
      forward(link, part);
      left -= part.length;
      if (part.length === head.length) link.queue.shift();
      else link.queue[0] = head.subarray(part.length);
    }
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    get connections() {
      return links.size;
    },
    /** Set before the client connects. */
    throttle(bytesPerTick, tickMs) {
      throttle = { bytesPerTick, tickMs };
    },
    silence() {
      for (const link of links) link.silent = true;
    },
    silenceAfter(bytes) {
      budget = bytes;
    },
    close() {
      for (const link of links) {
        link.client.destroy();
        link.router.destroy();
        clearInterval(link.timer);
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { tcpProxy };
