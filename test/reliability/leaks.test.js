'use strict';
// Leaks: 1,000 connect/close cycles (plus TLS and session cycles) and 100 redeploys leave no
// socket, timer or listener behind. Counted three ways: on the simulator (openConnections),
// with process.getActiveResourcesInfo() (what keeps the loop alive), and with an async_hooks
// tracker that also sees unref'd timers, which getActiveResourcesInfo() leaves out.
const fs = require('node:fs');
const path = require('node:path');
const asyncHooks = require('node:async_hooks');
require('should');
const { connect, RouterOSSession } = require('../../dist/client');
const { waitFor, turns } = require('../helpers/wait');
const { silentServer } = require('../helpers/silent-server');
const { useUnhandledRejectionGuard } = require('../helpers/unhandled-rejections');
const {
  helper,
  allNodes,
  startSimulator,
  unloadAndStop,
  commandNode,
  listenNode,
  flowOn,
  nextMessage,
  CERTS,
} = require('./helpers');

const CA = fs.readFileSync(path.join(CERTS, 'ca.pem'));

/** Active resources by type, e.g. { TCPSocketWrap: 2, TCPServerWrap: 1, Timeout: 1 }. */
function activeResources() {
  const counts = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] || 0) + 1;
  return counts;
}

/** Listener counts of every event of an emitter. */
function listenerCounts(emitter) {
  const counts = {};
  for (const name of emitter.eventNames()) counts[String(name)] = emitter.listenerCount(name);
  return counts;
}

/**
 * Tracks sockets and timers from creation to destruction, unref'd timers included. (TLSWRAP is
 * left out: its destroy hook waits for garbage collection; the TCPWRAP under it is what closes.)
 */
function trackResources() {
  const TYPES = new Set(['TCPWRAP', 'Timeout', 'TCPCONNECTWRAP']);
  const live = new Map();
  const hook = asyncHooks.createHook({
    init(id, type) {
      if (TYPES.has(type)) live.set(id, type);
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return {
    live() {
      const counts = {};
      for (const type of live.values()) counts[type] = (counts[type] || 0) + 1;
      return counts;
    },
    stop: () => hook.disable(),
  };
}

/** Lets pending close callbacks and destroy hooks run before a baseline is taken. */
const settle = () => turns(10);

/**
 * Waits until `check` passes, turn by turn of the event loop (close callbacks and destroy hooks
 * run over a few turns; polling with a timer would add a Timeout of its own to what is counted).
 * After `timeout` ms, fails with the check's last error.
 */
async function released(check, timeout = 3000) {
  const started = Date.now();
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() - started > timeout) throw err;
    }
    await turns(1);
  }
}

/** With RELIABILITY_REPORT=1, prints the measured figures (for RELIABILITY.md). */
function report(what, figures) {
  if (process.env.RELIABILITY_REPORT) console.log(`      [figures] ${what}: ${JSON.stringify(figures)}`);
}

function sumOf(counts) {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

useUnhandledRejectionGuard();

describe('leaks: connect/close cycles', function () {
  this.timeout(120000);
  let sim;
  afterEach(async function () {
    if (sim) await sim.stop();
    sim = undefined;
  });

  it('1,000 connect/close cycles (some with calls and streams) leave no socket, timer or listener', async function () {
    sim = await startSimulator();
    const warm = await connect({ host: '127.0.0.1', port: sim.port });
    await warm.close();
    await waitFor(() => sim.openConnections === 0);
    await settle();
    const before = activeResources();
    const simListeners = listenerCounts(sim);
    const processListeners = sumOf(listenerCounts(process));
    const tracker = trackResources();
    const startedTotal = sim.totalConnections;

    const CYCLES = 1000;
    let calls = 0;
    for (let i = 0; i < CYCLES; i++) {
      const api = await connect({ host: '127.0.0.1', port: sim.port, connectTimeout: 2000, timeout: 2000 });
      if (i % 10 === 0) {
        (await api.oneshot('/system/identity/print')).name.should.equal('MikroTik');
        calls++;
      }
      if (i % 50 === 0) {
        const handle = api.stream('/interface/listen', undefined, { onRow() {} });
        await handle.cancel();
      }
      if (i % 100 === 0) {
        // Closing with a stream still running: it must be ended by the close.
        api.stream('/interface/listen', undefined, { onRow() {} });
      }
      await api.close();
      api.listenerCount('close').should.equal(0);
    }
    await waitFor(() => sim.openConnections === 0, 5000, 'every connection closed on the simulator');
    const { live, after } = await released(() => {
      const now = { live: tracker.live(), after: activeResources() };
      now.live.should.eql({}, `still alive after ${CYCLES} cycles: ${JSON.stringify(now.live)}`);
      (now.after.TCPSocketWrap || 0).should.equal(before.TCPSocketWrap || 0);
      (now.after.Timeout || 0).should.be.belowOrEqual(before.Timeout || 0);
      return now;
    });
    tracker.stop();

    (sim.totalConnections - startedTotal).should.equal(CYCLES);
    calls.should.equal(CYCLES / 10);
    listenerCounts(sim).should.eql(simListeners);
    sumOf(listenerCounts(process)).should.equal(processListeners);
    report('1,000 connect/close cycles', { before, after, liveCreatedNotDestroyed: live, opened: CYCLES });
  });

  it('100 TLS connect/close cycles leave nothing behind', async function () {
    sim = await startSimulator({ tls: true });
    await settle();
    const before = activeResources();
    const tracker = trackResources();
    for (let i = 0; i < 100; i++) {
      const api = await connect({ host: '127.0.0.1', port: sim.port, tls: { ca: CA }, connectTimeout: 2000 });
      if (i % 10 === 0) (await api.array('/interface/print')).length.should.be.aboveOrEqual(2);
      await api.close();
    }
    await waitFor(() => sim.openConnections === 0, 5000);
    const { live, after } = await released(() => {
      const now = { live: tracker.live(), after: activeResources() };
      now.live.should.eql({});
      (now.after.TCPSocketWrap || 0).should.equal(before.TCPSocketWrap || 0);
      (now.after.Timeout || 0).should.be.belowOrEqual(before.Timeout || 0);
      return now;
    });
    tracker.stop();
    report('100 TLS cycles', { before, after, liveCreatedNotDestroyed: live });
  });

  it('200 session start/close cycles with a managed stream and idle probes leave nothing behind', async function () {
    sim = await startSimulator();
    await settle();
    const before = activeResources();
    const simListeners = listenerCounts(sim);
    const tracker = trackResources();
    for (let i = 0; i < 200; i++) {
      const session = new RouterOSSession({
        host: '127.0.0.1',
        port: sim.port,
        connectTimeout: 2000,
        idleProbeInterval: 1000,
        probeTimeout: 500,
        backoff: { initial: 20, max: 100 },
      });
      session.start();
      session.stream('/interface/listen', undefined, { tag: 'watch', onRow() {} });
      (await session.oneshot('/system/identity/print')).name.should.equal('MikroTik');
      await session.close();
      session.listenerCount('state').should.equal(0);
    }
    await waitFor(() => sim.openConnections === 0, 5000);
    const { live, after } = await released(() => {
      const now = { live: tracker.live(), after: activeResources() };
      now.live.should.eql({}, `still alive: ${JSON.stringify(now.live)}`);
      (now.after.TCPSocketWrap || 0).should.equal(before.TCPSocketWrap || 0);
      (now.after.Timeout || 0).should.be.belowOrEqual(before.Timeout || 0);
      return now;
    });
    tracker.stop();
    listenerCounts(sim).should.eql(simListeners);
    report('200 session cycles', { before, after, liveCreatedNotDestroyed: live });
  });

  it('100 calls waiting for a connection that never comes remove their listener and timer (and no MaxListeners warning)', async function () {
    const warnings = [];
    const onWarning = (w) => warnings.push(w);
    process.on('warning', onWarning);
    // Logins that time out: a transient failure, so the calls wait (a refused port fails them at once).
    const router = await silentServer();
    const session = new RouterOSSession({
      host: '127.0.0.1',
      port: router.port,
      connectTimeout: 200,
      backoff: { initial: 20, max: 50 },
    });
    const tracker = trackResources();
    try {
      const baseline = session.listenerCount('state');
      const waits = [];
      for (let i = 0; i < 100; i++)
        waits.push(session.oneshot('/system/identity/print', undefined, { timeout: 50 }).catch((e) => e));
      session.listenerCount('state').should.equal(baseline + 100);
      const errors = await Promise.all(waits);
      errors.forEach((e) => e.message.should.match(/not connected to the router within 50 ms/));
      session.listenerCount('state').should.equal(baseline);
    } finally {
      await session.close();
      await router.close();
    }
    process.off('warning', onWarning);
    await released(() => tracker.live().should.eql({}));
    tracker.stop();
    warnings.filter((w) => w.name === 'MaxListenersExceededWarning').should.have.length(0);
  });
});

describe('leaks: 100 redeploys', function () {
  this.timeout(120000);
  let sim;
  afterEach(async function () {
    await unloadAndStop(sim);
    sim = undefined;
  });

  function deployFlow(i) {
    return flowOn(
      sim.port,
      [
        commandNode('cmd1', '/system/identity/print', 'oneshot'),
        commandNode('cmd2', '/interface/print', 'array'),
        listenNode('listen', 'w'),
        { id: 'cancel', type: 'routeros-cancel', connection: 'conn', tag: '' },
      ],
      // A changed timeout makes the connection node restart, as an edit in the editor would.
      { connection: { timeout: String(2 + (i % 2)) } },
    );
  }

  it('100 full redeploys: one connection at a time, none left, no timer or listener growth', async function () {
    sim = await startSimulator();
    await settle();
    const beforeLoad = activeResources();
    const simListenersBefore = listenerCounts(sim);

    await helper.load(allNodes, deployFlow(0), { conn: { password: '' } });
    await waitFor(() => sim.openConnections === 1, 3000);
    await waitFor(() => helper.getNode('conn').session.connected, 3000);
    await settle();
    const first = activeResources();
    const processFirst = sumOf(listenerCounts(process));
    const eventsFirst = sumOf(listenerCounts(helper._events));
    const tracker = trackResources();

    const DEPLOYS = 100;
    let maxOpen = 0;
    const watchOpen = () => {
      maxOpen = Math.max(maxOpen, sim.openConnections);
    };
    sim.on('connection', watchOpen);
    for (let i = 1; i <= DEPLOYS; i++) {
      await helper.setFlows(deployFlow(i), 'full', { conn: { password: '' } });
      await waitFor(() => sim.openConnections === 1, 3000, `one connection after deploy ${i}`);
      if (i % 10 === 0) {
        const out = nextMessage('out', 3000);
        helper.getNode('cmd1').receive({ deploy: i });
        const msg = await out;
        msg.deploy.should.equal(i);
        msg.payload.name.should.equal('MikroTik');
      }
    }
    sim.off('connection', watchOpen);
    await waitFor(() => helper.getNode('conn').session && helper.getNode('conn').session.connected, 3000);
    // With the same flow running, the same resources: one client socket and its server side.
    const last = await released(() => {
      const now = activeResources();
      (now.TCPSocketWrap || 0).should.equal(first.TCPSocketWrap || 0);
      (now.Timeout || 0).should.be.belowOrEqual(first.Timeout || 0);
      return now;
    });
    const session = helper.getNode('conn').session;

    sumOf(listenerCounts(process)).should.equal(processFirst);
    sumOf(listenerCounts(helper._events)).should.equal(eventsFirst);
    session.listenerCount('state').should.equal(1);
    maxOpen.should.be.belowOrEqual(2); // the new connection may open while the old one closes
    sim.totalConnections.should.be.aboveOrEqual(DEPLOYS + 1);

    await helper.unload();
    await waitFor(() => sim.openConnections === 0, 3000, 'no connection after the last stop');
    const { live, afterUnload } = await released(() => {
      const now = { live: tracker.live(), afterUnload: activeResources() };
      (now.afterUnload.TCPSocketWrap || 0).should.equal(beforeLoad.TCPSocketWrap || 0);
      (now.afterUnload.Timeout || 0).should.be.belowOrEqual(beforeLoad.Timeout || 0);
      // What the 100 deploys created and did not destroy (sockets and timers of our nodes).
      (now.live.TCPWRAP || 0).should.equal(0);
      (now.live.Timeout || 0).should.equal(0, `timers left: ${JSON.stringify(now.live)}`);
      return now;
    });
    tracker.stop();
    listenerCounts(sim).should.eql(simListenersBefore);
    report('100 redeploys', {
      beforeLoad,
      afterDeploy1: first,
      afterDeploy100: last,
      afterUnload,
      liveCreatedNotDestroyed: live,
      maxOpenConnections: maxOpen,
      connectionsOpened: sim.totalConnections,
      stateListeners: session.listenerCount('state'),
    });
  });
});
