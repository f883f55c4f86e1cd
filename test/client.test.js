'use strict';
// The client against the simulator over loopback: every call kind, TCP and TLS, both logins,
// failures that must reject (never hang, never throw out of a socket callback).
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const should = require('should');
const { RouterOSSimulator } = require('../dist/simulator');
const client = require('../dist/client');
const { waitFor, freePort } = require('./helpers/wait');

const { connect, TrapError, LoginError, InputError, FatalError, ConnectionClosedError, TimeoutError, ConnectError } =
  client;
const CERTS = path.join(__dirname, '..', 'bin', 'simulator-certs');
const CA = fs.readFileSync(path.join(CERTS, 'ca.pem'));

async function withSimulator(options, fn) {
  const sim = new RouterOSSimulator(options);
  await sim.start();
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

function tcp(sim, extra = {}) {
  return connect({ host: '127.0.0.1', port: sim.port, connectTimeout: 3000, ...extra });
}

describe('client against the simulator', function () {
  let sim;
  let api;
  beforeEach(async function () {
    sim = new RouterOSSimulator();
    await sim.start();
    api = await tcp(sim);
  });
  afterEach(async function () {
    if (api) await api.close();
    await sim.stop();
  });

  it('one-shot call returns one reply object', async function () {
    const identity = await api.oneshot('/system/identity/print');
    identity.should.eql({ name: 'MikroTik' });
  });

  it('one-shot call returns =ret= from !done (the id an add creates)', async function () {
    const reply = await api.oneshot('/ip/address/add', { attributes: { address: '127.0.0.2/8', interface: 'ether1' } });
    reply.should.have.property('ret').match(/^\*[0-9A-F]+$/);
    const rows = await api.array('/ip/address/print');
    rows.should.have.length(1);
    rows[0].should.have.property('.id', reply.ret);
    await api.oneshot('/ip/address/remove', { attributes: { '.id': reply.ret } });
    (await api.array('/ip/address/print')).should.eql([]);
  });

  it('array call collects every row', async function () {
    const rows = await api.array('/interface/print');
    rows.length.should.be.aboveOrEqual(2);
    rows.map((r) => r.name).should.containDeep(['ether1', 'ether2']);
    rows[0].should.have.property('.id', '*1');
  });

  it('array call answers [] on !empty (RouterOS 7.18+) and on a bare !done (older)', async function () {
    const result = await api.call('/ip/address/print');
    result.rows.should.eql([]);
    result.empty.should.be.true();
    sim.faults.legacyEmpty = true;
    const legacy = await api.call('/ip/address/print');
    legacy.rows.should.eql([]);
    legacy.empty.should.be.false();
  });

  it('queries and .proplist reach the router', async function () {
    const rows = await api.array('/interface/print', { queries: ['?name=ether2'], proplist: 'name,mtu' });
    rows.should.eql([{ name: 'ether2', mtu: '1500' }]);
    const either = await api.array('/interface/print', {
      queries: ['?name=ether1', '?name=ether2', '?#|'],
      proplist: ['name'],
    });
    either.should.eql([{ name: 'ether1' }, { name: 'ether2' }]);
  });

  it('!trap becomes a TrapError with category and message, and the connection stays usable', async function () {
    const err = await api.oneshot('/ip/address/remove', { attributes: { '.id': '*99' } }).then(
      () => should.fail('resolved'),
      (e) => e,
    );
    err.should.be.instanceOf(TrapError);
    err.code.should.equal('ETRAP');
    err.message.should.match(/no such item/);
    err.command.should.equal('/ip/address/remove');
    const unknown = await api.array('/no/such/menu/print').catch((e) => e);
    unknown.should.be.instanceOf(TrapError);
    (await api.oneshot('/system/identity/print')).name.should.equal('MikroTik');
  });

  it('runs 100 commands in flight at once on one connection', async function () {
    const calls = [];
    for (let i = 0; i < 100; i++) {
      calls.push(
        i % 2
          ? api.oneshot('/system/identity/print')
          : api.array('/interface/print', { queries: [`?name=ether${(i % 4) / 2 + 1}`] }),
      );
    }
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      if (i % 2) r.name.should.equal('MikroTik');
      else r[0].name.should.equal(`ether${(i % 4) / 2 + 1}`);
    });
    api.pendingCount.should.equal(0);
  });

  it('streams a listen and cancels it by a caller-chosen tag', async function () {
    const rows = [];
    const handle = api.stream('/interface/listen', undefined, {
      tag: 'watch-ifaces',
      onRow: (row, tag) => rows.push([tag, row]),
    });
    handle.tag.should.equal('watch-ifaces');
    // the same tag cannot be used twice while in flight
    should.throws(() => api.stream('/interface/listen', undefined, { tag: 'watch-ifaces', onRow() {} }), InputError);
    await api.oneshot('/interface/set', { attributes: { '.id': 'ether1', disabled: true } });
    await waitFor(() => rows.length >= 1);
    rows[0][0].should.equal('watch-ifaces');
    rows[0][1].should.have.properties({ name: 'ether1', disabled: 'true', running: 'false' });
    await api.cancel('watch-ifaces');
    const end = await handle.done;
    end.cancelled.should.be.true();
    api.pendingCount.should.equal(0);
    await api.cancel('watch-ifaces').should.be.rejectedWith(InputError, { code: 'ENOTAG' });
  });

  it('a finite stream (/tool/ping) ends by itself with !done', async function () {
    const rows = [];
    const handle = api.stream(
      '/tool/ping',
      { attributes: { address: '127.0.0.1', count: 3, interval: '0.01' } },
      { onRow: (r) => rows.push(r) },
    );
    const end = await handle.done;
    end.cancelled.should.be.false();
    rows.should.have.length(3);
  });

  it('an exception in onRow ends only that stream', async function () {
    const handle = api.stream('/interface/listen', undefined, {
      onRow() {
        throw new Error('flow bug');
      },
    });
    await api.oneshot('/interface/set', { attributes: { '.id': 'ether2', mtu: 1400 } });
    await handle.done.should.be.rejectedWith('flow bug');
    (await api.oneshot('/system/identity/print')).name.should.equal('MikroTik');
  });

  it('per-call timeout rejects with TimeoutError and drops the late reply cleanly', async function () {
    sim.faults.replyDelayMs = 300;
    await api.oneshot('/system/identity/print', undefined, { timeout: 50 }).should.be.rejectedWith(TimeoutError);
    sim.faults.replyDelayMs = 0;
    (await api.oneshot('/system/identity/print', undefined, { timeout: 2000 })).name.should.equal('MikroTik');
  });

  it('refuses bad input with InputError before anything is sent', async function () {
    await api.oneshot('interface/print').should.be.rejectedWith(InputError);
    await api.oneshot(42).should.be.rejectedWith(InputError);
    await api.oneshot('').should.be.rejectedWith(InputError);
    await api.oneshot('/ip/address/add', { attributes: { 'a=b': 'x' } }).should.be.rejectedWith(InputError);
    await api.oneshot('/ip/address/add', { attributes: { '': 'x' } }).should.be.rejectedWith(InputError);
    await api
      .oneshot('/ip/address/add', { attributes: { comment: { nested: true } } })
      .should.be.rejectedWith(InputError);
    await api.array('/interface/print', { queries: ['name=ether1'] }).should.be.rejectedWith(InputError);
    (await api.oneshot('/system/identity/print')).name.should.equal('MikroTik');
  });

  it('accepts CLI-style paths with spaces', async function () {
    (await api.array('/interface print')).length.should.be.aboveOrEqual(2);
  });

  it('a word over 0x200000 bytes travels both ways', async function () {
    const big = 'x'.repeat(0x200000 + 17);
    await api.oneshot('/system/identity/set', { attributes: { name: big } });
    const identity = await api.oneshot('/system/identity/print');
    identity.name.length.should.equal(big.length);
    identity.name.should.equal(big);
  });

  it('!fatal rejects every pending call and closes the client', async function () {
    const listen = api.stream('/interface/listen', undefined, { onRow() {} });
    const closed = new Promise((resolve) => api.once('close', resolve));
    const quit = api.oneshot('/quit');
    await quit.should.be.rejectedWith(FatalError);
    await listen.done.should.be.rejectedWith(FatalError);
    (await closed).should.be.instanceOf(FatalError);
    api.closed.should.be.true();
    await api.oneshot('/system/identity/print').should.be.rejectedWith(FatalError);
  });

  it('a connection dropped mid-reply rejects pending calls with a clear error', async function () {
    sim.faults.dropMidReply = true;
    const err = await api.array('/interface/print').catch((e) => e);
    err.should.be.instanceOf(ConnectionClosedError);
    err.message.should.match(/connection to 127\.0\.0\.1:\d+ (lost|closed)/);
    api.closed.should.be.true();
  });

  it('the router splitting every write into single bytes changes nothing', async function () {
    sim.faults.splitWrites = true;
    const rows = await api.array('/interface/print');
    rows.length.should.be.aboveOrEqual(2);
  });
});

describe('client reading with yieldBetweenChunks', function () {
  it('lets the event loop run between chunks of a long reply', async function () {
    await withSimulator({}, async (sim) => {
      for (let i = 0; i < 3000; i++)
        sim.router.addInterface({ name: `vlan${i}`, type: 'vlan', comment: 'x'.repeat(60) });
      const api = await tcp(sim, { yieldBetweenChunks: true });
      let rows = 0;
      let turnsDuringReply = 0;
      const handle = api.stream('/interface/print', undefined, {
        onRow() {
          rows++;
          if (rows % 100 === 0) setImmediate(() => (turnsDuringReply += handle.finished ? 0 : 1));
        },
      });
      await handle.done.then(() => (handle.finished = true));
      rows.should.equal(3002);
      turnsDuringReply.should.be.above(0);
      await api.close();
    });
  });
});

describe('client login and transport', function () {
  it('logs in with the legacy MD5 challenge when the router answers =ret=', async function () {
    await withSimulator({ legacyLogin: true, password: 'old-secret' }, async (sim) => {
      const api = await tcp(sim, { username: 'admin', password: 'old-secret' });
      (await api.oneshot('/system/identity/print')).name.should.equal('MikroTik');
      await api.close();
    });
  });

  it('a wrong password gives a LoginError that never contains the password, and no hang', async function () {
    for (const legacyLogin of [false, true]) {
      await withSimulator({ legacyLogin, password: 'right' }, async (sim) => {
        const err = await tcp(sim, { password: 'wrong-s3cret' }).catch((e) => e);
        err.should.be.instanceOf(LoginError);
        err.message.should.match(/refused|failed/);
        err.message.should.not.match(/wrong-s3cret/);
        await waitFor(() => sim.openConnections === 0);
      });
    }
  });

  it('connects over TLS (API-SSL) verifying the certificate', async function () {
    await withSimulator({ tls: true }, async (sim) => {
      const api = await tcp(sim, { tls: { ca: CA } });
      (await api.array('/interface/print')).length.should.be.aboveOrEqual(2);
      await api.close();
    });
  });

  it('refuses a TLS certificate it cannot verify', async function () {
    await withSimulator({ tls: true }, async (sim) => {
      const err = await tcp(sim, { tls: true }).catch((e) => e);
      err.should.be.instanceOf(ConnectError);
      err.message.should.match(/TLS certificate check failed/);
    });
  });

  it('connection refused is a ConnectError naming the host', async function () {
    const port = await freePort();
    const err = await connect({ host: '127.0.0.1', port, connectTimeout: 2000 }).catch((e) => e);
    err.should.be.instanceOf(ConnectError);
    err.message.should.match(new RegExp(`127\\.0\\.0\\.1:${port}.*refused`));
  });

  it('a peer that is not RouterOS (an HTTP server) fails login clearly', async function () {
    const server = net.createServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
      );
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const err = await connect({ host: '127.0.0.1', port: server.address().port, connectTimeout: 2000 }).catch(
        (e) => e,
      );
      err.should.be.instanceOf(LoginError);
      err.message.should.match(/login/);
    } finally {
      server.close();
    }
  });
});
