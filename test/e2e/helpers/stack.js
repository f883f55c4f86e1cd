'use strict';
// One end-to-end test stack: the RouterOS simulator and a real Node-RED process (started by the
// same runner `npm start` uses) with this pack, both on loopback and ephemeral ports, plus a
// client for Node-RED's Admin HTTP API and one for its websocket comms (debug sidebar and
// node status messages). stop() always ends both processes and removes the temporary user dir.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startNodeRed, REPO_ROOT } = require('../../../scripts/demo/node-red-runner');
const { RouterOSSimulator, RouterOSFleetSimulator } = require('../../../dist/simulator');

// `ws` comes with Node-RED (its editor API serves /comms with it); Node 20 has no WebSocket global.
const WebSocket = require(
  require.resolve('ws', {
    paths: [path.dirname(require.resolve('@node-red/editor-api/package.json', { paths: [REPO_ROOT] }))],
  }),
);

const USER = 'admin';
/** Routers in the stack's fleet (example 07 and the fleet tests use it through ROUTEROS_FLEET). */
const FLEET_SIZE = 3;
// Another Node-RED to test against (its red.js), e.g. Node-RED 5 from scripts/e2e-node-red-5.js;
// unset, the stack runs this repository's devDependency.
const RED_JS = process.env.E2E_NODE_RED_JS || undefined;

class AdminApi {
  constructor(url) {
    this.url = url;
  }

  async request(method, route, { body, headers = {}, expect = 200 } = {}) {
    const res = await fetch(this.url + route, {
      method,
      headers: {
        Accept: 'application/json',
        // v2: POST /flows answers { rev }, GET /flows { rev, flows } (v1 is a bare array and 204).
        'Node-RED-API-Version': 'v2',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expect)
      throw new Error(`${method} ${route}: HTTP ${res.status} (expected ${expect}): ${text.slice(0, 500)}`);
    return text;
  }

  async json(method, route, options) {
    const text = await this.request(method, route, options);
    return text === '' ? undefined : JSON.parse(text);
  }

  /** A full deploy: the flows replace everything that runs. */
  deploy(flows) {
    return this.json('POST', '/flows', { body: { flows }, headers: { 'Node-RED-Deployment-Type': 'full' } });
  }

  /** The flows as the editor loads them (text, so a test can search it for secrets). */
  flowsText() {
    return this.request('GET', '/flows');
  }

  nodes() {
    return this.json('GET', '/nodes');
  }

  /** Presses an inject node's button. */
  inject(id) {
    return this.request('POST', `/inject/${encodeURIComponent(id)}`);
  }
}

/** Decodes one debug-sidebar message the way the editor does (objects arrive as JSON text). */
function decodeDebug(data) {
  let payload = data.msg;
  if (typeof payload === 'string' && data.format && !/^string/.test(data.format)) {
    try {
      payload = JSON.parse(payload);
    } catch {
      // leave it as text
    }
  }
  return { id: data.id, name: data.name, z: data.z, level: data.level, format: data.format, payload, raw: data };
}

/**
 * Node-RED's editor comms (/comms): the messages the debug sidebar shows (debug nodes, and
 * node.error / node.warn with a `level`) and node status changes, each recorded in order.
 */
class Comms {
  static connect(url, topics = ['debug', 'status/#', 'notification/#']) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url.replace(/^http/, 'ws') + '/comms');
      const comms = new Comms(ws);
      ws.once('error', reject);
      ws.once('open', () => {
        ws.removeListener('error', reject);
        for (const topic of topics) ws.send(JSON.stringify({ subscribe: topic }));
        resolve(comms);
      });
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.debug = [];
    this.status = [];
    this.notification = [];
    this.waiters = new Set();
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let batch;
      try {
        batch = JSON.parse(String(data));
      } catch {
        return;
      }
      for (const { topic, data: body } of Array.isArray(batch) ? batch : [batch]) {
        if (topic === 'debug') this.debug.push(decodeDebug(body));
        else if (typeof topic === 'string' && topic.startsWith('notification/')) {
          this.notification.push({ id: topic.slice('notification/'.length), ...body });
        } else if (typeof topic === 'string' && topic.startsWith('status/')) {
          this.status.push({ id: topic.slice('status/'.length), ...body });
        }
      }
      for (const check of [...this.waiters]) check();
    });
  }

  /** A position in the record: pass it as `since` to wait only for what comes after it. */
  mark() {
    return { debug: this.debug.length, status: this.status.length, notification: this.notification.length };
  }

  /** Debug messages (since a mark) from the debug node `id`. */
  debugFrom(id, since = { debug: 0 }) {
    return this.debug.slice(since.debug).filter((m) => m.id === id);
  }

  /** node.error / node.warn reports (level 20 / 30) since a mark. */
  problems(since = { debug: 0 }) {
    return this.debug.slice(since.debug).filter((m) => m.level === 20 || m.level === 30);
  }

  /** Resolves with the first record entry (since `since`) that `predicate` accepts. */
  waitFor(
    kind,
    predicate,
    { since = { debug: 0, status: 0, notification: 0 }, timeout = 5000, what = 'message' } = {},
  ) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this[kind].slice(since[kind]).find(predicate);
        if (found) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = this[kind]
          .slice(since[kind])
          .map((m) => JSON.stringify(kind === 'debug' ? { id: m.id, level: m.level, payload: m.payload } : m))
          .slice(-15);
        reject(new Error(`no ${what} within ${timeout} ms; last ${kind} messages:\n${seen.join('\n')}`));
      }, timeout);
      this.waiters.add(check);
      check();
    });
  }

  /** The next debug message from debug node `id` (after `since`) that `predicate` accepts. */
  nextDebug(id, { since, predicate = () => true, timeout, what } = {}) {
    return this.waitFor('debug', (m) => m.id === id && predicate(m), {
      since,
      timeout,
      what: what || `debug message from ${id}`,
    });
  }

  /** The next status of node `id` (after `since`) that `predicate` accepts. */
  nextStatus(id, predicate, { since, timeout, what } = {}) {
    return this.waitFor('status', (s) => s.id === id && predicate(s), {
      since,
      timeout,
      what: what || `status of ${id}`,
    });
  }

  close() {
    this.ws.terminate();
  }
}

/**
 * Starts the simulator (`simOptions`, e.g. a password), a fleet of FLEET_SIZE simulated routers
 * with the same account, and Node-RED (with the pack from `packDir`, the working tree by
 * default) with env ROUTEROS_HOST/PORT/USER pointing at the simulator and ROUTEROS_FLEET holding
 * the fleet's router list, then connects the API and comms clients. Resolves
 * { sim, fleet, nr, api, comms, userDir, stop }; on any failure what was started is stopped again.
 */
async function startStack({ simOptions = {}, flows = [], packDir } = {}) {
  const stack = {
    sim: undefined,
    fleet: undefined,
    nr: undefined,
    api: undefined,
    comms: undefined,
    userDir: undefined,
  };
  stack.stop = async () => {
    if (stack.comms) stack.comms.close();
    if (stack.nr) await stack.nr.stop();
    if (stack.sim) await stack.sim.stop();
    if (stack.fleet) await stack.fleet.stop();
    if (stack.userDir) fs.rmSync(stack.userDir, { recursive: true, force: true });
  };
  try {
    stack.sim = new RouterOSSimulator({ host: '127.0.0.1', port: 0, username: USER, ...simOptions });
    await stack.sim.start();
    stack.fleet = new RouterOSFleetSimulator({ host: '127.0.0.1', count: FLEET_SIZE, username: USER, ...simOptions });
    await stack.fleet.start();
    stack.userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'routeros-e2e-'));
    stack.nr = await startNodeRed({
      userDir: stack.userDir,
      port: 0,
      flows,
      packDir,
      redJs: RED_JS,
      env: {
        ROUTEROS_HOST: '127.0.0.1',
        ROUTEROS_PORT: String(stack.sim.port),
        ROUTEROS_USER: USER,
        ROUTEROS_FLEET: stack.fleet.routerList(),
      },
    });
    stack.api = new AdminApi(stack.nr.url);
    stack.comms = await Comms.connect(stack.nr.url);
    stack.deploy = (deployed) => deployAndStart(stack, deployed);
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/**
 * A full deploy that resolves once the new flows have started. POST /flows answers before
 * that (the runtime starts them afterwards and then announces `runtime-deploy` with the new
 * revision), and an inject pressed in between finds no node.
 */
async function deployAndStart(stack, flows) {
  const since = stack.comms.mark();
  const { rev } = await stack.api.deploy(flows);
  await stack.comms.waitFor('notification', (n) => n.id === 'runtime-deploy' && n.revision === rev, {
    since,
    what: `flows revision ${rev} started`,
  });
  return since;
}

/** For an afterEach: prints the Node-RED log tail when the test just failed. */
function printLogsOnFailure(test, stack) {
  if (test && test.state === 'failed' && stack && stack.nr) {
    console.log(
      `\n--- Node-RED output (last lines) for "${test.title}" ---\n${stack.nr.logs.slice(-30).join('\n')}\n---`,
    );
  }
}

module.exports = { startStack, AdminApi, Comms, printLogsOnFailure, USER, RED_JS };
