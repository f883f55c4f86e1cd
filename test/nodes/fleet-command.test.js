'use strict';
// The command node on a fleet (issue 15): routers named per message, one reply per router on
// output 1, a summary on output 2, failures to Catch one per router, the password only to
// routers on the list.
const net = require('node:net');
require('should');
const { helper, allNodes, startSimulator, TAB } = require('./setup');
const { waitFor, freePort } = require('../helpers/wait');
const { silentServer } = require('../helpers/silent-server');

const fleetNode = require('../../nodes/routeros-fleet.js');
const nodes = [...allNodes, fleetNode];
const SECRET = 'fleet-secret';

function fleetConfig(list, extra = {}) {
  return {
    id: 'fleet',
    type: 'routeros-fleet',
    name: 'test fleet',
    routers: list,
    port: '8728',
    username: 'admin',
    useTls: false,
    encoding: 'utf8',
    timeout: '1',
    ...extra,
  };
}

function fleetFlow(list, command = {}, fleetExtra = {}) {
  return [
    { id: TAB, type: 'tab', label: 'fleet' },
    fleetConfig(list, fleetExtra),
    {
      id: 'cmd',
      type: 'routeros-command',
      z: TAB,
      x: 0,
      y: 0,
      targetType: 'fleet',
      fleet: 'fleet',
      routers: '',
      command: '/system/identity/print',
      mode: 'oneshot',
      wires: [['out'], ['summary']],
      ...command,
    },
    { id: 'out', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'summary', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'catch', type: 'catch', z: TAB, x: 0, y: 0, scope: ['cmd'], uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
  ];
}

function record(id) {
  const seen = [];
  helper.getNode(id).on('input', (msg) => seen.push(msg));
  return seen;
}

describe('command node on a fleet', function () {
  let sims = [];
  const cleanups = [];
  beforeEach(async function () {
    sims = [];
    for (let i = 1; i <= 3; i++) sims.push(await startSimulator({ identity: `router-00${i}`, password: SECRET }));
  });
  afterEach(async function () {
    await helper.unload();
    await Promise.all(sims.map((sim) => sim.stop()));
    while (cleanups.length > 0) await cleanups.pop()();
  });

  const listOf = () => sims.map((sim, i) => `r${i + 1} 127.0.0.1:${sim.port}`).join('\n');

  async function load(list = listOf(), command, fleetExtra) {
    await helper.load(nodes, fleetFlow(list, command, fleetExtra), { fleet: { password: SECRET } });
    return { out: record('out'), summary: record('summary'), caught: record('caught') };
  }

  it('a name: one reply with msg.router and who the router is, then the summary', async function () {
    const { out, summary } = await load();
    helper.getNode('cmd').receive({ router: 'r2', topic: 'mine' });
    await waitFor(() => summary.length === 1, 3000, 'the summary');
    out.should.have.length(1);
    out[0].router.should.equal('r2');
    out[0].topic.should.equal('mine');
    out[0].payload.should.eql({ name: 'router-002' });
    out[0].routeros.router.should.have.properties({
      name: 'r2',
      host: '127.0.0.1',
      port: sims[1].port,
      identity: 'router-002',
    });
    out[0].routeros.router.version.should.match(/^\d+\.\d+/);
    summary[0].payload.ok.should.eql(['r2']);
    summary[0].payload.failed.should.eql({});
    summary[0].payload.ms.should.be.a.Number();
  });

  it('"*", an array and a listed host:port', async function () {
    const { out, summary } = await load();
    helper.getNode('cmd').receive({ router: '*' });
    await waitFor(() => summary.length === 1, 3000, 'the summary of "*"');
    out
      .map((m) => m.router)
      .sort()
      .should.eql(['r1', 'r2', 'r3']);
    helper.getNode('cmd').receive({ router: ['r1', `127.0.0.1:${sims[2].port}`] });
    await waitFor(() => summary.length === 2, 3000, 'the summary of the array');
    summary[1].payload.ok.slice().sort().should.eql(['r1', 'r3']);
  });

  it("the node's own routers when the message names none; none at all is EINPUT, never all", async function () {
    const { out, summary, caught } = await load(undefined, { routers: 'r1, r3' });
    helper.getNode('cmd').receive({});
    await waitFor(() => summary.length === 1, 3000, 'the summary');
    out
      .map((m) => m.router)
      .sort()
      .should.eql(['r1', 'r3']);
    caught.should.have.length(0);
    await helper.unload();
    const before = sims.map((sim) => sim.totalConnections);
    const again = await load(undefined, { routers: '' });
    helper.getNode('cmd').receive({});
    await waitFor(() => again.caught.length === 1, 3000, 'the refusal at Catch');
    again.caught[0].routeros.error.code.should.equal('EINPUT');
    again.caught[0].error.message.should.match(/no router given/);
    sims.map((sim) => sim.totalConnections).should.eql(before, 'no router was contacted');
  });

  it('a host not on the list is refused before any connection is opened', async function () {
    let connections = 0;
    const stranger = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => stranger.close(resolve)));
    const { caught, summary, out } = await load();
    helper.getNode('cmd').receive({ router: ['r1', `127.0.0.1:${stranger.address().port}`] });
    await waitFor(() => caught.length === 1, 3000, 'the refusal at Catch');
    caught[0].routeros.error.code.should.equal('EINPUT');
    caught[0].error.message.should.match(/is not on the fleet's list/);
    connections.should.equal(0);
    sims[0].totalConnections.should.equal(0, 'nothing at all was run: the whole message was refused');
    out.should.have.length(0);
    summary.should.have.length(0);
  });

  it('routers up, refused and silent: a Catch message per failed router, and one summary', async function () {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const refusedPort = await freePort();
    const list = `${listOf()}\nrefused 127.0.0.1:${refusedPort}\nsilent 127.0.0.1:${silent.port}`;
    const { out, summary, caught } = await load(list);
    helper.getNode('cmd').receive({ router: '*' });
    await waitFor(() => summary.length === 1, 5000, 'the summary');
    out
      .map((m) => m.router)
      .sort()
      .should.eql(['r1', 'r2', 'r3']);
    summary[0].payload.ok.slice().sort().should.eql(['r1', 'r2', 'r3']);
    summary[0].payload.failed.refused.code.should.equal('ECONNREFUSED');
    summary[0].payload.failed.silent.code.should.equal('ETIMEOUT');
    caught
      .map((m) => m.router)
      .sort()
      .should.eql(['refused', 'silent']);
    caught.find((m) => m.router === 'refused').routeros.error.code.should.equal('ECONNREFUSED');
    JSON.stringify([...out, ...summary, ...caught]).should.not.containEql(SECRET);
  });

  it('split mode: one message per row per router, with msg.parts', async function () {
    const { out, summary } = await load(undefined, { command: '/interface/print', mode: 'array', split: true });
    helper.getNode('cmd').receive({ router: ['r1', 'r2'] });
    await waitFor(() => summary.length === 1, 3000, 'the summary');
    const rows = sims[0].router.print('interface').length;
    out.filter((m) => m.router === 'r1').should.have.length(rows);
    out
      .filter((m) => m.router === 'r1')
      .every((m) => m.parts.count === rows)
      .should.be.true();
  });

  it('the status sums up the fleet', async function () {
    const { summary } = await load();
    helper.getNode('cmd').receive({ router: '*' });
    await waitFor(() => summary.length === 1, 3000, 'the summary');
    const cmd = helper.getNode('cmd');
    await waitFor(() => cmd.status.args && cmd.status.lastCall.args[0].fill === 'green', 3000, 'a green fleet status');
    cmd.status.lastCall.args[0].text.should.equal('routeros-fleet.status.summary');
  });

  it('20 redeploys with fan-outs leave no socket open', async function () {
    for (let i = 0; i < 20; i++) {
      const { summary } = await load();
      helper.getNode('cmd').receive({ router: '*' });
      await waitFor(() => summary.length === 1, 3000, 'the summary');
      await helper.unload();
    }
    await waitFor(() => sims.every((sim) => sim.openConnections === 0), 3000, 'every router sees its sockets closed');
  });
});
