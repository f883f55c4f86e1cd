'use strict';
// Connects each side of the comparison to the bench server: our client (from dist/) and
// node-routeros, with the harness choosing node-routeros's channel tags so that both sides ask
// for the same pre-encoded reply (node-routeros otherwise draws a random tag per command).
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
/** Our built code; BENCH_DIST=other/dist compares a candidate build against the same harness. */
const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(ROOT, 'dist');
const CREDENTIALS = { username: 'admin', password: 'bench' };

function ours() {
  return require(path.join(DIST, 'client'));
}

async function connectOurs(port, options = {}) {
  return ours().connect({ host: '127.0.0.1', port, ...CREDENTIALS, ...options });
}

async function connectNodeRouteros(port) {
  const { RouterOSAPI } = require('node-routeros');
  const api = new RouterOSAPI({ host: '127.0.0.1', port, user: CREDENTIALS.username, password: CREDENTIALS.password });
  await api.connect();
  // Harness hook: the next channels opened get `api.benchTag` as their tag when it is set.
  const openChannel = api.openChannel.bind(api);
  api.benchTag = undefined;
  api.openChannel = () => {
    const channel = openChannel();
    if (api.benchTag !== undefined) channel.id = api.benchTag;
    return channel;
  };
  return api;
}

/** Closes a node-routeros connection without waiting forever on a confused one. */
async function closeNodeRouteros(api) {
  await Promise.race([api.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
}

module.exports = { ROOT, DIST, CREDENTIALS, connectOurs, connectNodeRouteros, closeNodeRouteros, ours };
