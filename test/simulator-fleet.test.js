'use strict';
// The fleet simulator: N independent routers in one process, their router list, consecutive
// ports, a clean stop, and `routeros-simulator --routers N` stopped by Ctrl-C (SIGINT).
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
require('should');
const { RouterOSFleetSimulator, RouterOSSimulator, parseCliArgs, fleetRouterName } = require('../dist/simulator');
const { connect, parseRouterList } = require('../dist/client');
const { waitFor, freePort } = require('./helpers/wait');

const BIN = path.join(__dirname, '..', 'bin', 'routeros-simulator.js');

/** Resolves with the error code of a connection attempt ('ECONNREFUSED'), or 'connected'. */
function tryConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err) => resolve(err.code));
  });
}

/** Resolves true when a listener can bind 127.0.0.1:port (it is closed again at once). */
function canListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with `count` free ports after it (bounded tries: other sockets may hold some). */
async function freeRange(count) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePort();
    if (base + count - 1 > 65535) continue;
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => canListen(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

describe('fleet simulator', function () {
  this.timeout(20_000);
  let fleet;
  const clients = [];
  afterEach(async function () {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
    if (fleet) await fleet.stop();
    fleet = undefined;
  });

  async function connectAll() {
    const list = await Promise.all(
      fleet.ports.map((port) => connect({ host: '127.0.0.1', port, username: 'admin', password: '', timeout: 5000 })),
    );
    clients.push(...list);
    return list;
  }

  it('runs N routers, each answering with its own identity, listed in the fleet list format', async function () {
    fleet = new RouterOSFleetSimulator({ count: 5 });
    await fleet.start();
    fleet.names.should.eql(['router-001', 'router-002', 'router-003', 'router-004', 'router-005']);
    new Set(fleet.ports).size.should.equal(5);
    const list = parseRouterList(fleet.routerList(), 8728);
    list.should.eql(fleet.ports.map((port, i) => ({ name: fleet.names[i], host: '127.0.0.1', port })));
    const identities = await Promise.all((await connectAll()).map((c) => c.oneshot('/system/identity/print')));
    identities.map((row) => row.name).should.eql(fleet.names);
    fleet.openConnections.should.equal(5);
    fleet.totalConnections.should.equal(5);
  });

  it('keeps a state per router: a change on one leaves the others as they were', async function () {
    fleet = new RouterOSFleetSimulator({ count: 3, password: 'secret' });
    await fleet.start();
    const list = await Promise.all(
      fleet.ports.map((port) => connect({ host: '127.0.0.1', port, username: 'admin', password: 'secret' })),
    );
    clients.push(...list);
    const [a, b, c] = list;
    await b.oneshot('/system/identity/set', { attributes: { name: 'core-2' } });
    await b.oneshot('/ip/address/add', { attributes: { address: '192.0.2.1/24', interface: 'ether1' } });
    await c.oneshot('/interface/set', { attributes: { '.id': 'ether2', disabled: true } });
    const names = await Promise.all(list.map((client) => client.oneshot('/system/identity/print')));
    names.map((row) => row.name).should.eql(['router-001', 'core-2', 'router-003']);
    (await a.array('/ip/address/print')).should.have.length(0);
    (await b.array('/ip/address/print')).map((row) => row.address).should.eql(['192.0.2.1/24']);
    const ether2 = await Promise.all(
      [a, c].map((client) => client.oneshot('/interface/print', { queries: ['?name=ether2'] })),
    );
    ether2.map((row) => row.disabled).should.eql(['false', 'true']);
    fleet.routers[1].router.identity.should.equal('core-2');
    fleet.routers[0].router.identity.should.equal('router-001');
  });

  it('stop() closes every connection and every listening port', async function () {
    fleet = new RouterOSFleetSimulator({ count: 4 });
    await fleet.start();
    const ports = fleet.ports;
    const list = await connectAll();
    const closed = list.map((client) => new Promise((resolve) => client.once('close', resolve)));
    await fleet.stop();
    fleet.openConnections.should.equal(0);
    fleet.routers.every((router) => !router.listening).should.be.true();
    await Promise.all(closed);
    (await Promise.all(ports.map(tryConnect))).should.eql(ports.map(() => 'ECONNREFUSED'));
  });

  it('puts the routers on consecutive ports from basePort', async function () {
    const base = await freeRange(3);
    fleet = new RouterOSFleetSimulator({ count: 3, basePort: base });
    await fleet.start();
    fleet.ports.should.eql([base, base + 1, base + 2]);
    fleet
      .routerList()
      .should.equal(
        `router-001 127.0.0.1:${base}\nrouter-002 127.0.0.1:${base + 1}\nrouter-003 127.0.0.1:${base + 2}\n`,
      );
  });

  it('fails to start when a port is taken, naming it, and leaves nothing listening', async function () {
    const base = await freeRange(3);
    const squatter = new RouterOSSimulator({ port: base + 1 });
    await squatter.start();
    try {
      const candidate = new RouterOSFleetSimulator({ count: 3, basePort: base });
      await candidate
        .start()
        .should.be.rejectedWith(new RegExp(`router 2 of the fleet could not listen \\(port ${base + 1}\\)`));
      candidate.routers.every((router) => !router.listening).should.be.true();
      (await tryConnect(base)).should.equal('ECONNREFUSED');
      (await tryConnect(base + 2)).should.equal('ECONNREFUSED');
    } finally {
      await squatter.stop();
    }
  });

  it('checks its options', function () {
    (() => new RouterOSFleetSimulator({ count: 0 })).should.throw(/1 to 10000 routers/);
    (() => new RouterOSFleetSimulator({ count: 1.5 })).should.throw(/1 to 10000 routers/);
    (() => new RouterOSFleetSimulator({ count: 3, basePort: 65534 })).should.throw(/not all valid ports/);
    (() => new RouterOSFleetSimulator({ count: 2, host: '192.0.2.1' })).should.throw(/refusing to listen/);
    fleetRouterName(7, 5).should.equal('router-007');
    fleetRouterName(7, 1000).should.equal('router-0007');
    fleetRouterName(1000, 1000).should.equal('router-1000');
  });

  it('reads --routers on the command line', function () {
    const args = parseCliArgs(['--routers', '5', '--port', '9000', '--password', 'p']);
    args.routers.should.equal(5);
    args.options.port.should.equal(9000);
    (parseCliArgs([]).routers === undefined).should.be.true();
    (() => parseCliArgs(['--routers', '0'])).should.throw(/invalid --routers/);
    (() => parseCliArgs(['--routers', 'many'])).should.throw(/invalid --routers/);
    (() => parseCliArgs(['--routers', '3', '--port', '65534'])).should.throw(/do not all exist/);
    (() => parseCliArgs(['--routers', '3', '--identity', 'R'])).should.throw(/--identity and --routers/);
  });

  it('`routeros-simulator --routers 3` prints a usable router list and stops cleanly on Ctrl-C', async function () {
    const child = spawn(process.execPath, [BIN, '--routers', '3', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    try {
      await waitFor(() => out.split('\n').length >= 5, 10_000, 'the router list');
      out.should.match(/^# RouterOS simulator fleet: 3 routers on 127\.0\.0\.1, free ports \(user admin\)\n/);
      // The whole output, comment line included, is a router list.
      const list = parseRouterList(out, 8728);
      list.map((router) => router.name).should.eql(['router-001', 'router-002', 'router-003']);
      for (const router of list) {
        const client = await connect({ host: router.host, port: router.port, username: 'admin', password: '' });
        clients.push(client);
        (await client.oneshot('/system/identity/print')).name.should.equal(router.name);
      }
      child.kill('SIGINT');
      // Bounded, so that a simulator that does not stop still reaches the finally below.
      let timer;
      const tooLong = new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error('no exit within 10 s of SIGINT')), 10_000);
      });
      const { code, signal } = await Promise.race([exited, tooLong]).finally(() => clearTimeout(timer));
      ({ code, signal, err }).should.eql({ code: 0, signal: null, err: '' });
      (await Promise.all(list.map((router) => tryConnect(router.port)))).should.eql(list.map(() => 'ECONNREFUSED'));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
