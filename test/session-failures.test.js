'use strict';
// Issue 16: failures the way users expect them, at the session level.
// - A call fails at once, with the attempt's own error and code, when the latest attempt failed
//   in a way waiting cannot fix; it waits while an attempt runs or after a passing failure.
// - A refused login is retried only after loginRetryDelay (5 min by default).
// - A half-open socket costs one call, not the next ones: a timeout met by total silence
//   starts a liveness probe at once.
// - Timeouts measure silence: a reply that keeps coming never times out.
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
require('should');
const { RouterOSSimulator } = require('../dist/simulator');
const { RouterOSSession, connect } = require('../dist/client');
const { waitFor, freePort } = require('./helpers/wait');
const { tcpProxy } = require('./helpers/tcp-proxy');
const { useUnhandledRejectionGuard } = require('./helpers/unhandled-rejections');

const CERTS = path.join(__dirname, '..', 'bin', 'simulator-certs');
// A certificate the simulator's CA issued for another name (test-only, not shipped).
const TEST_CERTS = path.join(__dirname, 'certs');
const PASSWORD = 'right-password';

useUnhandledRejectionGuard();

/** Resolves once the session reports `state` (or at once when it is in it). */
function stateReached(session, state) {
  if (session.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const onState = (next) => {
      if (next !== state) return;
      session.off('state', onState);
      resolve();
    };
    session.on('state', onState);
  });
}

/** Counts the attempts a session makes (the `attempt` event follows each one). */
function countAttempts(session) {
  const counter = { n: 0 };
  session.on('attempt', () => counter.n++);
  return counter;
}

async function startSimulator(options) {
  const sim = new RouterOSSimulator(options);
  await sim.start();
  return sim;
}

/** Counts the /login sentences a simulator receives: each is a line in a real router's log. */
function countLogins(sim) {
  const counter = { n: 0 };
  sim.on('command', (event) => {
    if (event.words[0] === '/login') counter.n++;
  });
  return counter;
}

describe('session: a call fails at once when waiting cannot help', function () {
  // The connect timeout (and so the wait for a connection) is 60 s: a call that waited for it
  // instead of failing at once would run into Mocha's timeout.
  this.timeout(10000);
  const cleanups = [];
  afterEach(async function () {
    while (cleanups.length > 0) await cleanups.pop()();
  });

  async function failing(setUp) {
    const target = await setUp();
    const session = new RouterOSSession({ host: '127.0.0.1', connectTimeout: 60000, ...target });
    cleanups.push(() => session.close());
    return session;
  }

  const cases = [
    {
      name: 'wrong password',
      code: /^ELOGIN$/,
      message: /^login to 127\.0\.0\.1:\d+ as "admin" refused: invalid user name or password/,
      async setUp() {
        const sim = await startSimulator({ password: PASSWORD });
        cleanups.push(() => sim.stop());
        return { port: sim.port, password: 'wrong' };
      },
    },
    {
      name: 'refused port',
      code: /^ECONNREFUSED$/,
      message: /connection refused/,
      async setUp() {
        return { port: await freePort() };
      },
    },
    {
      name: 'a service that is not the RouterOS API',
      code: /^ENOTROUTEROS$/,
      message: /the peer is not a RouterOS API \(it sent "HTTP\/1\.1 400/,
      async setUp() {
        const server = http.createServer((req, res) => res.end('hello'));
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
        return { port: server.address().port };
      },
    },
    {
      name: 'unknown host',
      code: /^(ENOTFOUND|EAI_AGAIN)$/,
      message: /no-such-router\.invalid:8728: (unknown host|host name lookup failed)/,
      async setUp() {
        return { host: 'no-such-router.invalid', port: 8728 };
      },
    },
    {
      name: 'a certificate that fails verification',
      code: /^ETLS$/,
      message: /TLS certificate check failed: Hostname\/IP does not match/,
      detail: 'ERR_TLS_CERT_ALTNAME_INVALID',
      async setUp() {
        const sim = await startSimulator({
          tls: {
            key: fs.readFileSync(path.join(TEST_CERTS, 'other-key.pem')),
            cert: fs.readFileSync(path.join(TEST_CERTS, 'other.pem')),
          },
        });
        cleanups.push(() => sim.stop());
        return { port: sim.port, tls: { ca: fs.readFileSync(path.join(CERTS, 'ca.pem')) } };
      },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: a call after the failed attempt fails with ${c.code.source.replace(/[\^$()]/g, '')}, without another attempt`, async function () {
      const session = await failing(c.setUp);
      const attempts = countAttempts(session);
      session.start();
      await stateReached(session, 'disconnected');
      attempts.n.should.equal(1);
      const err = await session.oneshot('/system/identity/print', undefined, { timeout: 60000 }).catch((e) => e);
      err.should.be.exactly(session.lastError, 'the attempt’s own error');
      err.code.should.match(c.code);
      err.message.should.match(c.message);
      if (c.detail) err.detail.should.equal(c.detail);
      attempts.n.should.equal(1, 'the call started no attempt of its own');
    });
  }

  it('a call made while the first attempt runs fails as soon as that attempt is refused', async function () {
    const session = await failing(async () => ({ port: await freePort() }));
    const err = await session.oneshot('/system/identity/print', undefined, { timeout: 60000 }).catch((e) => e);
    err.code.should.equal('ECONNREFUSED');
    err.should.be.exactly(session.lastError);
  });

  it('after a passing failure (the router drops the login) a call waits and succeeds once the router is back', async function () {
    const sim = await startSimulator();
    cleanups.push(() => sim.stop());
    // A gate in front of the simulator: first it hangs up on every connection, then lets them through.
    let pass = false;
    const gate = net.createServer((socket) => {
      socket.on('error', () => undefined);
      if (!pass) {
        socket.destroy();
        return;
      }
      const router = net.connect({ host: '127.0.0.1', port: sim.port });
      router.on('error', () => socket.destroy());
      socket.pipe(router).pipe(socket);
      socket.on('close', () => router.destroy());
    });
    await new Promise((resolve) => gate.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => gate.close(() => resolve())));
    const session = await failing(async () => ({ port: gate.address().port, backoff: { initial: 50, max: 100 } }));
    session.start();
    await stateReached(session, 'disconnected');
    session.lastError.code.should.equal('ECLOSED');
    const call = session.oneshot('/system/identity/print', undefined, { timeout: 60000 });
    const attempts = countAttempts(session);
    await waitFor(() => attempts.n >= 2, 5000, 'two more failed attempts while the call waits');
    pass = true;
    (await call).should.eql({ name: 'MikroTik' });
  });
});

describe('session: a refused login is retried after loginRetryDelay, not twice a minute', function () {
  let sim;
  let session;
  afterEach(async function () {
    if (session) await session.close();
    if (sim) await sim.stop();
    session = sim = undefined;
  });

  it('waits 5 minutes by default before the next try; calls meanwhile fail at once and send no login', async function () {
    sim = await startSimulator({ password: PASSWORD });
    const logins = countLogins(sim);
    session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, password: 'wrong' });
    session.start();
    await stateReached(session, 'disconnected');
    logins.n.should.equal(1);
    (session.nextAttemptAt - Date.now()).should.be.above(290000, 'the next login try is about 5 min away');
    const errors = await Promise.all(
      Array.from({ length: 20 }, () => session.oneshot('/system/identity/print').catch((e) => e)),
    );
    errors.forEach((e) => e.code.should.equal('ELOGIN'));
    logins.n.should.equal(1, 'no call caused another login');
  });

  it('uses the configured delay, and the usual backoff once the login is accepted', async function () {
    sim = await startSimulator({ password: PASSWORD });
    const logins = countLogins(sim);
    session = new RouterOSSession({
      host: '127.0.0.1',
      port: sim.port,
      password: 'wrong',
      loginRetryDelay: 100,
      backoff: { initial: 10, max: 10 },
    });
    const attempts = countAttempts(session);
    session.start();
    await waitFor(() => attempts.n >= 3, 5000, 'three refused login tries');
    logins.n.should.be.aboveOrEqual(3);
    // Checked right after the third attempt reported: the next one is already scheduled.
    (session.nextAttemptAt - Date.now()).should.be.belowOrEqual(100);
  });

  it('a new session (a redeploy, an edited connection) tries at once', async function () {
    sim = await startSimulator({ password: PASSWORD });
    const logins = countLogins(sim);
    const first = new RouterOSSession({ host: '127.0.0.1', port: sim.port, password: 'wrong' });
    first.start();
    await stateReached(first, 'disconnected');
    await first.close();
    session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, password: PASSWORD });
    (await session.oneshot('/system/identity/print')).should.eql({ name: 'MikroTik' });
    logins.n.should.equal(2);
  });
});

describe('session: a half-open socket costs one call, not the next', function () {
  let sim;
  let proxy;
  let session;
  afterEach(async function () {
    if (session) await session.close();
    if (proxy) await proxy.close();
    if (sim) await sim.stop();
    session = proxy = sim = undefined;
  });

  it('the call after a silent timeout succeeds on a new connection within its own timeout', async function () {
    sim = await startSimulator();
    proxy = await tcpProxy(sim.port);
    // As the connection node sets it up for a 3 s timeout (liveness: a third of it).
    session = new RouterOSSession({
      host: '127.0.0.1',
      port: proxy.port,
      timeout: 3000,
      connectTimeout: 3000,
      livenessTimeout: 1000,
      idleProbeInterval: 30000,
    });
    (await session.oneshot('/system/identity/print', undefined, { timeout: 3000 })).name.should.equal('MikroTik');
    proxy.silence(); // the router rebooted behind NAT: our socket stays open, nothing comes back
    const first = await session.oneshot('/system/identity/print', undefined, { timeout: 3000 }).catch((e) => e);
    first.code.should.equal('ETIMEOUT');
    // The router answers new connections again; the next call must not meet the dead socket.
    const second = await session.oneshot('/system/resource/print', undefined, { timeout: 3000 });
    second.should.have.property('uptime');
    sim.totalConnections.should.equal(2);
  });

  it('a router that answers after a timeout keeps its connection (any byte is a sign of life)', async function () {
    sim = await startSimulator();
    session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, timeout: 3000, livenessTimeout: 1000 });
    await session.oneshot('/system/identity/print');
    sim.faults.replyDelayMs = 300;
    const err = await session.oneshot('/system/identity/print', undefined, { timeout: 100 }).catch((e) => e);
    err.code.should.equal('ETIMEOUT');
    (await session.oneshot('/system/identity/print', undefined, { timeout: 3000 })).name.should.equal('MikroTik');
    sim.totalConnections.should.equal(1);
  });
});

describe('session: a timeout measures silence, not duration', function () {
  const ROWS = 500;
  let sim;
  let proxy;
  let api;
  beforeEach(async function () {
    sim = await startSimulator();
    for (let i = 0; i < ROWS; i++) {
      sim.router.addAddress({ address: `198.18.${i >> 8}.${i & 255}/32`, interface: 'ether1' });
    }
    proxy = await tcpProxy(sim.port);
  });
  afterEach(async function () {
    if (api) await api.close();
    await proxy.close();
    await sim.stop();
    api = undefined;
  });

  it('a print whose rows keep arriving through a slow link for several timeouts completes with every row', async function () {
    proxy.throttle(1024, 50); // about 20 KB/s: the reply takes seconds
    const timeout = 500;
    api = await connect({ host: '127.0.0.1', port: proxy.port, timeout });
    const started = Date.now();
    const rows = await api.array('/ip/address/print');
    const took = Date.now() - started;
    rows.length.should.be.aboveOrEqual(ROWS);
    // Not a speed check: it proves the scenario is the one meant (the reply outlasted 3 timeouts).
    took.should.be.aboveOrEqual(3 * timeout);
  });

  it('a router that goes silent in the middle of a reply still times out', async function () {
    api = await connect({ host: '127.0.0.1', port: proxy.port, timeout: 500 });
    proxy.silenceAfter(4000); // part of the reply, then nothing
    const err = await api.array('/ip/address/print').catch((e) => e);
    err.code.should.equal('ETIMEOUT');
    err.message.should.equal('/ip/address/print got no answer for 500 ms');
  });
});
