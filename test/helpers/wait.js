'use strict';
// Small waiting helpers for tests: poll a condition instead of sleeping a fixed time.
const net = require('node:net');

function waitFor(predicate, timeout = 3000, what = 'condition') {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      let ok = false;
      try {
        ok = predicate();
      } catch (err) {
        reject(err);
        return;
      }
      if (ok) resolve();
      else if (Date.now() - started > timeout) reject(new Error(`${what} not met within ${timeout} ms`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

/** Lets `count` turns of the event loop pass (close callbacks, async_hooks destroy hooks). */
async function turns(count = 5) {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A loopback port that nothing listens on (briefly bound, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

module.exports = { waitFor, turns, freePort };
