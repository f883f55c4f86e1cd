'use strict';
// Fault injection against the simulator: the router closes mid-reply, sends !fatal, goes
// half-open, restarts on the same port, answers slowly, or refuses connections at deploy. Each
// scenario is checked at the client/session level and, where the node adds behaviour (status,
// Catch, log lines), through the nodes. Small timeouts and backoff keep it fast.
const net = require('node:net');
const should = require('should');
const { connect, ConnectionClosedError, FatalError, TimeoutError, InputError } = require('../../dist/client');
const { waitFor, freePort } = require('../helpers/wait');
const { useUnhandledRejectionGuard } = require('../helpers/unhandled-rejections');
const {
  helper,
  startSimulator,
  unloadAndStop,
  makeSession,
  recordStates,
  nextState,
  connected,
  setInterface,
  commandNode,
  listenNode,
  loadFlow,
  logLinesOf,
  nextMessage,
  collect,
  statusMatching,
  roundTrip,
  commandSeen,
  recordBackoff,
} = require('./helpers');

/** A long-running call: 1000 pings one second apart. */
const LONG_CALL = ['/tool/ping', { attributes: { address: '127.0.0.1', count: 1000, interval: '1s' } }];

useUnhandledRejectionGuard();

describe('faults: the router misbehaves (client and session)', function () {
  let sim;
  let session;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    if (session) await session.close();
    session = undefined;
    await sim.stop();
  });

  /** A connected session with a managed listen stream whose rows and states are recorded. */
  async function sessionWithStream(extra) {
    session = makeSession(sim, extra);
    const states = recordStates(session);
    session.start();
    await connected(session);
    const rows = [];
    const streamStates = [];
    const stream = session.stream('/interface/listen', undefined, {
      tag: 'watch',
      onRow: (row, tag) => rows.push([tag, row]),
      onState: (state) => streamStates.push(state),
    });
    return { states, rows, streamStates, stream };
  }

  /** A change made by another admin reaches the stream with its tag. */
  async function streamStillDelivers(rows, mtu) {
    const before = rows.length;
    await setInterface(sim, { '.id': 'ether2', mtu: String(mtu) });
    await waitFor(() => rows.length > before, 3000, 'a row after the change');
    const [tag, row] = rows[rows.length - 1];
    tag.should.equal('watch');
    row.should.have.properties({ name: 'ether2', mtu: String(mtu) });
  }

  it('1. the router closes mid-reply: the call fails clearly, the session reconnects, the stream resumes', async function () {
    const { states, rows, streamStates } = await sessionWithStream();
    sim.faults.dropMidReply = true;
    const err = await session.array('/interface/print').catch((e) => e);
    err.should.be.instanceOf(ConnectionClosedError);
    err.message.should.match(/^connection to 127\.0\.0\.1:\d+ (lost: reset by the router|closed by the router)$/);
    await nextState(session, 'connected');
    (await session.array('/interface/print')).length.should.be.aboveOrEqual(2);
    await waitFor(() => streamStates[streamStates.length - 1] === 'running');
    streamStates.should.eql(['running', 'waiting', 'running']);
    await streamStillDelivers(rows, 1400);
    states.map((s) => s[0]).should.eql(['connecting', 'connected', 'disconnected', 'connected']);
  });

  it('2. the router sends !fatal: pending calls fail with FatalError, then everything comes back', async function () {
    const { rows, streamStates } = await sessionWithStream();
    const onWire = commandSeen(sim, '/tool/ping');
    const pending = session.call(...LONG_CALL);
    await onWire;
    sim.sendFatal('router is rebooting');
    const err = await pending.catch((e) => e);
    err.should.be.instanceOf(FatalError);
    err.code.should.equal('EFATAL');
    err.message.should.equal('router closed the connection: router is rebooting');
    await nextState(session, 'connected');
    (await session.oneshot('/system/identity/print')).name.should.equal('MikroTik');
    await waitFor(() => streamStates[streamStates.length - 1] === 'running');
    await streamStillDelivers(rows, 1401);
  });

  it('2b. !fatal on one command: that call fails, the session reconnects, other commands keep working', async function () {
    session = makeSession(sim);
    session.start();
    await connected(session);
    sim.faults.fatalOnCommand = '/system/resource/print';
    for (let round = 0; round < 3; round++) {
      const err = await session.oneshot('/system/resource/print').catch((e) => e);
      err.should.be.instanceOf(FatalError);
      err.message.should.match(/simulated failure on \/system\/resource\/print/);
      (await session.oneshot('/system/identity/print')).name.should.equal('MikroTik');
    }
  });

  it('3. half-open: the idle probe notices a silent router (the OS does not) and closes the client', async function () {
    const api = await connect({
      host: '127.0.0.1',
      port: sim.port,
      connectTimeout: 1000,
      idleProbeInterval: 100,
      probeTimeout: 150,
    });
    const closed = new Promise((resolve) => api.once('close', resolve));
    let simSawClose = false;
    sim.once('close', () => {
      simSawClose = true;
    });
    sim.faults.stall = true;
    // No timeout on this call: only the probe can end it (the message says it was the probe).
    const err = await api.oneshot('/system/identity/print').catch((e) => e);
    err.should.be.instanceOf(ConnectionClosedError);
    err.message.should.match(/stopped answering \(no reply to a keepalive probe within 150 ms\)/);
    // The client gave up by itself: the router's side of the socket was still open.
    simSawClose.should.be.false();
    (await closed).should.equal(err);
    await waitFor(() => sim.openConnections === 0, 2000, 'the simulator to see the client hang up');
  });

  it('3b. half-open: the session reconnects once the router answers again, and the stream resumes', async function () {
    const { rows, streamStates, states } = await sessionWithStream({
      idleProbeInterval: 100,
      probeTimeout: 150,
      connectTimeout: 300,
    });
    // Attempts made while the router is silent, and those of them that ended.
    const attempts = new Set();
    let ended = 0;
    sim.faults.stall = true;
    const reason = await nextState(session, 'disconnected', 3000);
    reason.message.should.match(/stopped answering/);
    const onConnection = (info) => attempts.add(info.id);
    const onClose = (info) => attempts.has(info.id) && ended++;
    sim.on('connection', onConnection);
    sim.on('close', onClose);
    // While it stays silent, each attempt's login times out; nothing piles up.
    await waitFor(() => ended >= 2, 5000, 'two attempts timing out');
    sim.off('connection', onConnection);
    sim.off('close', onClose);
    session.connected.should.be.false();
    sim.openConnections.should.be.belowOrEqual(2);
    sim.faults.stall = false;
    await nextState(session, 'connected', 3000);
    await waitFor(() => streamStates[streamStates.length - 1] === 'running');
    await streamStillDelivers(rows, 1402);
    // One state change per outage and reason, not one per attempt.
    const disconnects = states.filter((s) => s[0] === 'disconnected').map((s) => s[1]);
    disconnects.length.should.be.belowOrEqual(2);
    disconnects[0].should.match(/stopped answering/);
    if (disconnects[1]) disconnects[1].should.match(/^no RouterOS API answer to login/);
  });

  it('3c. no idle probe during login: a silent router fails login with the login timeout, not as a lost probe', async function () {
    sim.faults.stall = true;
    const seen = [];
    sim.on('command', (e) => seen.push(e.words[0]));
    const err = await connect({
      host: '127.0.0.1',
      port: sim.port,
      connectTimeout: 300,
      idleProbeInterval: 50,
      probeTimeout: 50,
    }).catch((e) => e);
    err.code.should.equal('ETIMEOUT');
    err.message.should.match(/^no RouterOS API answer to login from 127\.0\.0\.1:\d+ within 300 ms/);
    err.message.should.not.match(/probe|wrong password/);
    await waitFor(() => sim.openConnections === 0, 2000);
    // Only the /login (and the /cancel for it) reached the router: no probe before login.
    seen.should.not.containEql('/system/identity/print');
    seen[0].should.equal('/login');
  });

  it('4. the router restarts on the same port: pending calls fail clearly, streams resume, new calls work', async function () {
    const { rows, streamStates, states } = await sessionWithStream();
    const onWire = commandSeen(sim, '/tool/ping');
    const pending = session.call(...LONG_CALL).catch((e) => e); // handled now: it rejects during the restart
    await onWire;
    await sim.restart();
    const err = await pending;
    err.should.be.instanceOf(ConnectionClosedError);
    err.message.should.match(/^connection to 127\.0\.0\.1:\d+ (lost: reset by the router|closed by the router)$/);
    await nextState(session, 'connected', 3000);
    (await session.oneshot('/system/identity/print')).name.should.equal('MikroTik');
    await waitFor(() => streamStates[streamStates.length - 1] === 'running');
    streamStates.should.eql(['running', 'waiting', 'running']);
    await streamStillDelivers(rows, 1403);
    states.map((s) => s[0]).should.eql(['connecting', 'connected', 'disconnected', 'connected']);
  });

  it('5. slow router: the timeout fires, the late reply is dropped, the tag stays reserved until the router is done', async function () {
    const api = await connect({ host: '127.0.0.1', port: sim.port, connectTimeout: 1000 });
    const unexpected = [];
    api.on('unexpected', (reply) => unexpected.push(reply));
    try {
      sim.faults.replyDelayMs = 100;
      const err = await api.array('/interface/print', undefined, { tag: 'slow', timeout: 50 }).catch((e) => e);
      err.should.be.instanceOf(TimeoutError);
      err.message.should.equal('/interface/print got no answer for 50 ms');
      // The router may still answer to "slow": the tag is not given out again yet.
      api.tags.should.containEql('slow');
      const reuse = await api.call('/system/identity/print', undefined, { tag: 'slow' }).catch((e) => e);
      reuse.should.be.instanceOf(InputError);
      reuse.code.should.equal('ETAGINUSE');
      sim.faults.replyDelayMs = 0;
      // A call with a fresh tag gets its own answer, not the late rows.
      (await api.oneshot('/system/identity/print', undefined, { timeout: 2000 })).should.eql({ name: 'MikroTik' });
      await waitFor(() => !api.tags.includes('slow'), 3000, 'the late !done to free the tag');
      unexpected.should.have.length(0);
      const again = await api.call('/system/identity/print', undefined, { tag: 'slow', timeout: 2000 });
      again.tag.should.equal('slow');
      again.rows.should.eql([{ name: 'MikroTik' }]);
      api.pendingCount.should.equal(0);
    } finally {
      await api.close();
    }
  });

  /** Each delay is the doubling base (from `initial`, capped at `max`) ±20 % jitter. */
  function shouldDouble(delays, initial, max) {
    delays.forEach((delay, i) => {
      const base = Math.min(max, initial * 2 ** i);
      delay.should.be.within(Math.floor(base * 0.8), Math.ceil(base * 1.2), `delay ${i + 1}: ${delays}`);
    });
  }

  /**
   * The session waited each delay before the next try: a timer never fires early, so these
   * lower bounds hold on any machine however loaded (2 ms for clock rounding).
   */
  function shouldHaveWaited(times, delays) {
    for (let i = 1; i < times.length; i++) {
      (times[i] - times[i - 1]).should.be.aboveOrEqual(delays[i - 1] - 2, `gap ${i} after ${delays[i - 1]} ms`);
    }
  }

  it('7. a router that drops us right after every login is retried with growing backoff, not every second', async function () {
    // !fatal whenever the stream is re-issued: login succeeds, then the connection dies at once.
    session = makeSession(sim, { backoff: { initial: 20, max: 320 } });
    session.start();
    await connected(session);
    session.stream('/interface/listen', undefined, { tag: 'watch', onRow() {} });
    const logins = [];
    sim.on('login', () => logins.push(performance.now()));
    const backoff = recordBackoff();
    try {
      sim.faults.fatalOnCommand = '/interface/listen';
      sim.dropAll();
      await waitFor(() => logins.length >= 4, 5000, 'four logins after the drop');
    } finally {
      sim.faults.fatalOnCommand = null;
      backoff.restore();
    }
    // With a reset after every login the delays would stay near 20 ms; they must grow.
    backoff.resets.should.equal(0);
    backoff.delays.length.should.be.aboveOrEqual(4);
    shouldDouble(backoff.delays.slice(0, 4), 20, 320);
    // The delay before login i+1 is the one handed out when login i's connection died.
    shouldHaveWaited(logins.slice(0, 4), backoff.delays.slice(1));
  });

  it('6. connection refused at deploy: retries with growing backoff, one state change, then connects', async function () {
    const port = await freePort();
    const attempts = [];
    // Records connection attempts (transport.ts calls net.connect); restored below.
    const realConnect = net.connect;
    net.connect = function (...args) {
      if (args[0] && args[0].port === port) attempts.push(performance.now());
      return realConnect.apply(this, args);
    };
    const backoff = recordBackoff();
    let states;
    try {
      session = makeSession({ port }, { backoff: { initial: 20, max: 160 } });
      states = recordStates(session);
      session.start();
      await waitFor(() => attempts.length >= 6, 5000, 'six attempts');
    } finally {
      net.connect = realConnect;
      backoff.restore();
    }
    states.should.have.length(2);
    states[0].should.eql(['connecting', undefined]);
    states[1][0].should.equal('disconnected');
    states[1][1].should.match(new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`));
    // 20, 40, 80, 160, then capped at 160 (each ±20 % jitter).
    shouldDouble(backoff.delays.slice(0, 5), 20, 160);
    shouldHaveWaited(attempts.slice(0, 6), backoff.delays);
    const late = await startSimulator({ port });
    try {
      await nextState(session, 'connected', 2000);
      states.map((s) => s[0]).should.eql(['connecting', 'disconnected', 'connected']);
      (await session.oneshot('/system/identity/print')).name.should.equal('MikroTik');
    } finally {
      await session.close();
      session = undefined;
      await late.stop();
    }
  });
});

describe('faults: what the nodes show', function () {
  let sim;
  afterEach(async function () {
    await unloadAndStop(sim);
    sim = undefined;
  });

  it('router restart: the pending command reaches Catch, listen status goes red then listening, one log line per change', async function () {
    sim = await startSimulator();
    await loadFlow(
      sim.port,
      [
        listenNode('listen', 'w'),
        commandNode('ping', '/tool/ping', 'array'),
        commandNode('ident', '/system/identity/print', 'oneshot'),
      ],
      { connection: { timeout: '3' } },
    );
    await statusMatching('listen', (s) => s.fill === 'green');
    const caught = nextMessage('caught', 3000);
    const onWire = commandSeen(sim, '/tool/ping');
    helper.getNode('ping').receive({ attributes: { address: '127.0.0.1', count: 100, interval: '1s' } });
    await onWire;
    const red = statusMatching('listen', (s) => s.fill === 'red');
    const identRed = statusMatching('ident', (s) => s.fill === 'red');
    await sim.restart();
    const msg = await caught;
    // Node-RED's msg.error.message is the error's toString(): "Name: message".
    msg.error.message.should.match(
      /^ConnectionClosedError: connection to 127\.0\.0\.1:\d+ (lost: reset by the router|closed by the router)$/,
    );
    msg.routeros.error.code.should.equal('ECLOSED');
    (await red).text.should.match(/connection to 127\.0\.0\.1:\d+/);
    await identRed;
    await statusMatching('listen', (s) => s.fill === 'green' && /routeros-listen\.status/.test(s.text), 4000);
    const events = collect('out');
    await setInterface(sim, { '.id': 'ether1', mtu: '1450' });
    await waitFor(() => events.length === 1, 3000, 'a listen event after the restart');
    events[0].tag.should.equal('w');
    const out = nextMessage('out');
    helper.getNode('ident').receive({});
    (await out).payload.should.eql({ name: 'MikroTik' });
    const lines = logLinesOf(helper, 'conn').map(([, m]) => m);
    lines.should.eql([
      'routeros-connection.log.connected',
      'routeros-connection.log.disconnected',
      'routeros-connection.log.connected',
    ]);
  });

  it('router closes mid-reply and sends !fatal: each reaches Catch once, and the next message works', async function () {
    sim = await startSimulator();
    await loadFlow(sim.port, [commandNode('cmd', '/interface/print', 'array')]);
    await statusMatching('cmd', (s) => s.fill === 'green');
    const caughtAll = collect('caught');
    const outAll = collect('out');
    const cmd = helper.getNode('cmd');

    sim.faults.dropMidReply = true;
    cmd.receive({ n: 1 });
    await waitFor(() => caughtAll.length === 1, 3000);
    caughtAll[0].error.message.should.match(/connection to 127\.0\.0\.1:\d+ (lost|closed)/);
    await statusMatching('cmd', (s) => s.fill === 'green', 4000);
    cmd.receive({ n: 2 });
    await waitFor(() => outAll.length === 1, 3000);
    outAll[0].n.should.equal(2);

    sim.faults.fatalOnCommand = '/interface/print';
    cmd.receive({ n: 3 });
    await waitFor(() => caughtAll.length === 2, 3000);
    caughtAll[1].error.message.should.equal(
      'FatalError: router closed the connection: simulated failure on /interface/print',
    );
    caughtAll[1].routeros.error.code.should.equal('EFATAL');
    sim.faults.fatalOnCommand = null;
    await statusMatching('cmd', (s) => s.fill === 'green', 4000);
    cmd.receive({ n: 4 });
    await waitFor(() => outAll.length === 2, 3000);
    outAll[1].n.should.equal(4);
    // A further message's answer comes after anything the two failures could still send.
    await roundTrip('cmd');
    caughtAll.should.have.length(2);
    outAll.map((m) => m.n ?? 'probe').should.eql([2, 4, 'probe']);
  });

  it('slow router: the command times out to Catch after the connection timeout, the late reply goes nowhere', async function () {
    sim = await startSimulator();
    await loadFlow(sim.port, [commandNode('cmd', '/system/identity/print', 'oneshot')], {
      connection: { timeout: '1' },
    });
    await statusMatching('cmd', (s) => s.fill === 'green');
    const caughtAll = collect('caught');
    const outAll = collect('out');
    sim.faults.replyDelayMs = 1100;
    helper.getNode('cmd').receive({ n: 1 });
    await waitFor(() => caughtAll.length === 1, 2000, 'the timeout');
    caughtAll[0].error.message.should.equal('TimeoutError: /system/identity/print got no answer for 1000 ms');
    caughtAll[0].routeros.error.code.should.equal('ETIMEOUT');
    sim.faults.replyDelayMs = 0;
    // The router answers in order: the late reply to n 1 arrives before the answer to n 2.
    helper.getNode('cmd').receive({ n: 2 });
    await waitFor(() => outAll.length === 1, 2000);
    outAll[0].n.should.equal(2);
    outAll[0].payload.should.eql({ name: 'MikroTik' });
    caughtAll.should.have.length(1);
    sim.openConnections.should.equal(1); // the connection survived the timeout
  });

  it('connection refused at deploy: red status, retries, then connected: one log line per state change', async function () {
    const port = await freePort();
    await loadFlow(port, [commandNode('cmd', '/system/identity/print', 'oneshot')]);
    const red = await statusMatching('cmd', (s) => s.fill === 'red');
    red.text.should.match(/connection refused/);
    // While refused, a message fails at once with the attempt's own error and code.
    const caught = nextMessage('caught', 3000);
    helper.getNode('cmd').receive({});
    const failed = await caught;
    failed.error.message.should.match(/^ConnectError: cannot connect to 127\.0\.0\.1:\d+: connection refused/);
    failed.routeros.error.code.should.equal('ECONNREFUSED');
    sim = await startSimulator({ port });
    await statusMatching('cmd', (s) => s.fill === 'green', 5000);
    const out = nextMessage('out');
    helper.getNode('cmd').receive({});
    (await out).payload.name.should.equal('MikroTik');
    logLinesOf(helper, 'conn').should.eql([
      [helper.log().WARN, 'routeros-connection.log.disconnected'],
      [helper.log().INFO, 'routeros-connection.log.connected'],
    ]);
    should.exist(helper.getNode('conn').session);
  });
});
