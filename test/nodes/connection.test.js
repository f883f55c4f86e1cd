'use strict';
// routeros-connection: shared connection, wrong password, reconnects, redeploys without
// leaking sockets, and the password kept out of logs, status and flows.
require('should');
const net = require('node:net');
const { helper, allNodes, flow, startSimulator, unloadAndStop, nextMessage, statusMatching } = require('./setup');
const { waitFor, freePort } = require('../helpers/wait');

const SECRET = 'S3cret-Pa55word!';

describe('routeros-connection config node', function () {
  let sim;
  afterEach(async function () {
    await unloadAndStop(sim);
    sim = undefined;
  });

  function commands(count) {
    const nodes = [];
    for (let i = 0; i < count; i++)
      nodes.push({ id: `cmd${i}`, type: 'routeros-command', command: '/system/identity/print', mode: 'oneshot' });
    return nodes;
  }

  it('shares one connection between all its nodes', async function () {
    sim = await startSimulator({ password: SECRET });
    await helper.load(allNodes, flow(sim, commands(3)), { conn: { password: SECRET } });
    for (let i = 0; i < 3; i++) {
      const out = nextMessage('out');
      helper.getNode(`cmd${i}`).receive({});
      (await out).payload.name.should.equal('MikroTik');
    }
    sim.openConnections.should.equal(1);
  });

  it('a wrong password shows a red status and a clear error, without the password', async function () {
    sim = await startSimulator({ password: SECRET });
    await helper.load(allNodes, flow(sim, commands(1)), { conn: { password: 'not-the-' + SECRET } });
    const status = await statusMatching('cmd0', (s) => s.fill === 'red');
    status.text.should.equal('routeros-connection.status.loginRefused'); // "login refused — next try in 5 min"
    const caught = nextMessage('caught', 6000);
    helper.getNode('cmd0').receive({});
    const msg = await caught;
    msg.error.message.should.match(/^LoginError: login to .* refused: invalid user name or password/);
    msg.routeros.error.code.should.equal('ELOGIN');
    JSON.stringify(msg).should.not.containEql(SECRET);
    const logged = JSON.stringify(helper.log().args);
    logged.should.match(/routeros-connection\.log\.disconnected/);
    logged.should.not.containEql(SECRET);
  });

  it('connection refused at deploy: red status, retries until the router is there, one log line per state change', async function () {
    const port = await freePort();
    // Counts refused attempts on that port (the client's transport calls net.connect).
    let refused = 0;
    const realConnect = net.connect;
    net.connect = function (...args) {
      const socket = realConnect.apply(this, args);
      if (args[0] && args[0].port === port) socket.once('error', (err) => err.code === 'ECONNREFUSED' && refused++);
      return socket;
    };
    try {
      await helper.load(allNodes, flow({ port }, commands(1)), { conn: { password: '' } });
      await statusMatching('cmd0', (s) => s.fill === 'red' && /refused/.test(s.text));
      await waitFor(() => refused >= 2, 5000, 'a refused retry');
    } finally {
      net.connect = realConnect;
    }
    const conn = (level) =>
      helper
        .log()
        .args.filter((a) => a[0] && a[0].id === 'conn' && a[0].level === level)
        .map((a) => a[0].msg);
    conn(helper.log().WARN).should.eql(['routeros-connection.log.disconnected'], 'one line for all the refusals');
    // Only a further retry can connect now.
    sim = await startSimulator({ port });
    await statusMatching('cmd0', (s) => s.fill === 'green', 8000);
    sim.totalConnections.should.equal(1);
    conn(helper.log().WARN).should.eql(['routeros-connection.log.disconnected']);
    conn(helper.log().INFO).should.eql(['routeros-connection.log.connected']);
  });

  it('comes back by itself when the router returns', async function () {
    sim = await startSimulator();
    await helper.load(allNodes, flow(sim, commands(1)), { conn: { password: '' } });
    await statusMatching('cmd0', (s) => s.fill === 'green');
    const down = statusMatching('cmd0', (s) => s.fill === 'red');
    sim.dropAll();
    await down;
    await statusMatching('cmd0', (s) => s.fill === 'green', 8000);
    const out = nextMessage('out');
    helper.getNode('cmd0').receive({});
    (await out).payload.name.should.equal('MikroTik');
  });

  it('20 redeploys leave no socket open on the simulator', async function () {
    sim = await startSimulator();
    const listen = { id: 'listen', type: 'routeros-listen', command: '/interface/listen', autoStart: true };
    for (let i = 0; i < 20; i++) {
      const nodes = [...commands(2), listen];
      if (i === 0) await helper.load(allNodes, flow(sim, nodes), { conn: { password: '' } });
      else
        await helper.setFlows(flow(sim, nodes, { timeout: String(3 + (i % 2)) }), 'full', { conn: { password: '' } });
      await waitFor(() => sim.openConnections === 1, 3000, `one connection after deploy ${i}`);
    }
    await helper.unload();
    await waitFor(() => sim.openConnections === 0, 3000, 'no connection after the last stop');
    sim.totalConnections.should.be.aboveOrEqual(20);
  });

  it('never puts the password in status, messages or the deployed flow', async function () {
    sim = await startSimulator({ password: SECRET });
    await helper.load(allNodes, flow(sim, commands(1)), { conn: { password: SECRET } });
    const statuses = [];
    helper.getNode('cmd0').on('call:status', (c) => statuses.push(c.args[0]));
    await statusMatching('cmd0', (s) => s.fill === 'green');
    const out = nextMessage('out');
    helper.getNode('cmd0').receive({});
    JSON.stringify(await out).should.not.containEql(SECRET);
    JSON.stringify(statuses).should.not.containEql(SECRET);
    JSON.stringify(helper.log().args).should.not.containEql(SECRET);
    JSON.stringify(helper._redNodes.getFlows().flows).should.not.containEql(SECRET);
  });
});
