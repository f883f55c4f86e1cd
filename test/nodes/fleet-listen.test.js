'use strict';
// The listen and cancel nodes on a fleet (issue 15): the same stream on every chosen router,
// each event with msg.router, resuming per router after a restart; the cancel node stops a tag
// on every router.
require('should');
const { helper, allNodes, startSimulator, setInterface, TAB } = require('./setup');
const { waitFor, freePort } = require('../helpers/wait');

const fleetNode = require('../../nodes/routeros-fleet.js');
const nodes = [...allNodes, fleetNode];

function flowOn(list, listenExtra = {}) {
  return [
    { id: TAB, type: 'tab', label: 'fleet' },
    {
      id: 'fleet',
      type: 'routeros-fleet',
      name: 'test fleet',
      routers: list,
      port: '8728',
      username: 'admin',
      timeout: '2',
    },
    {
      id: 'listen',
      type: 'routeros-listen',
      z: TAB,
      x: 0,
      y: 0,
      targetType: 'fleet',
      fleet: 'fleet',
      routers: '*',
      command: '/interface/listen',
      tag: 'watch',
      autoStart: true,
      wires: [['events']],
      ...listenExtra,
    },
    { id: 'events', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    {
      id: 'cancel',
      type: 'routeros-cancel',
      z: TAB,
      x: 0,
      y: 0,
      targetType: 'fleet',
      fleet: 'fleet',
      routers: '',
      tag: '',
      wires: [['cancelled']],
    },
    { id: 'cancelled', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
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
      wires: [['out'], []],
    },
    { id: 'out', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'catch', type: 'catch', z: TAB, x: 0, y: 0, scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
  ];
}

function record(id) {
  const seen = [];
  helper.getNode(id).on('input', (msg) => seen.push(msg));
  return seen;
}

/** The listen node's latest status. */
function statusOf(id) {
  const node = helper.getNode(id);
  return node.status.lastCall ? node.status.lastCall.args[0] : {};
}

describe('listen and cancel nodes on a fleet', function () {
  let sims = [];
  beforeEach(async function () {
    sims = [];
    for (let i = 1; i <= 3; i++) sims.push(await startSimulator({ identity: `router-00${i}` }));
  });
  afterEach(async function () {
    await helper.unload();
    await Promise.all(sims.map((sim) => sim.stop()));
  });

  const listOf = () => sims.map((sim, i) => `r${i + 1} 127.0.0.1:${sim.port}`).join('\n');
  const streamsRunning = (sim) => sim.openConnections === 1;

  it('streams on every router; each event carries msg.router; the status says on how many', async function () {
    await helper.load(nodes, flowOn(listOf()), { fleet: { password: '' } });
    const events = record('events');
    await waitFor(() => statusOf('listen').fill === 'green', 5000, 'listening on 3/3');
    statusOf('listen').text.should.equal('routeros-listen.status.fleet');
    sims.every(streamsRunning).should.be.true();
    await setInterface(sims[1], { '.id': 'ether2', comment: 'from r2' });
    await setInterface(sims[2], { '.id': 'ether2', comment: 'from r3' });
    await waitFor(() => events.length >= 2, 3000, 'an event from each changed router');
    events
      .map((m) => m.router)
      .sort()
      .should.eql(['r2', 'r3']);
    events.find((m) => m.router === 'r2').payload.comment.should.equal('from r2');
    events.every((m) => m.tag === 'watch' && m.topic === '/interface/listen').should.be.true();
  });

  it('resumes on one router after it restarts, while the others go on', async function () {
    await helper.load(nodes, flowOn(listOf()), { fleet: { password: '' } });
    const events = record('events');
    await waitFor(() => statusOf('listen').fill === 'green', 5000, 'listening on 3/3');
    await sims[0].restart();
    await waitFor(() => sims[0].openConnections === 1 && statusOf('listen').fill === 'green', 8000, 'r1 back');
    await setInterface(sims[0], { '.id': 'ether1', comment: 'after restart' });
    await setInterface(sims[2], { '.id': 'ether1', comment: 'r3 all along' });
    await waitFor(() => events.length >= 2, 3000, 'events from r1 and r3');
    events
      .map((m) => m.router)
      .sort()
      .should.eql(['r1', 'r3']);
  });

  it('a router that cannot be reached waits alone: the others stream, the status shows it', async function () {
    const list = `${listOf()}\ndown 127.0.0.1:${await freePort()}`;
    await helper.load(nodes, flowOn(list), { fleet: { password: '' } });
    const caught = record('caught');
    await waitFor(() => sims.every(streamsRunning), 5000, 'the three streams');
    const events = record('events');
    await setInterface(sims[0], { '.id': 'ether1', comment: 'still here' });
    await waitFor(() => events.length === 1, 3000, 'an event from r1');
    // The unreachable router's stream waits for it (it may come up); nothing reached Catch for
    // the others.
    caught.filter((m) => m.router !== 'down').should.eql([]);
    statusOf('listen').fill.should.equal('yellow');
  });

  it('the cancel node stops the tag on every router of the fleet', async function () {
    await helper.load(nodes, flowOn(listOf()), { fleet: { password: '' } });
    const cancelled = record('cancelled');
    await waitFor(() => statusOf('listen').fill === 'green', 5000, 'listening on 3/3');
    helper.getNode('cancel').receive({ tag: 'watch' });
    await waitFor(() => cancelled.length === 1, 3000, 'the cancel answer');
    cancelled[0].payload.should.eql({ tag: 'watch', cancelled: true, routers: ['r1', 'r2', 'r3'] });
    await waitFor(() => statusOf('listen').text === 'routeros-listen.status.stopped', 3000, 'the listen node stopped');
    const events = record('events');
    const out = record('out');
    await setInterface(sims[0], { '.id': 'ether1', comment: 'after cancel' });
    // A command on r1 through the fleet shares the stream's connection: its answer comes after
    // any event r1 sent for the change.
    helper.getNode('cmd').receive({ router: 'r1' });
    await waitFor(() => out.length === 1, 3000, 'the answer from r1');
    events.should.eql([]);
  });

  it('a cancel for a tag no router runs is ENOTAG', async function () {
    await helper.load(nodes, flowOn(listOf()), { fleet: { password: '' } });
    await waitFor(() => statusOf('listen').fill === 'green', 5000, 'listening on 3/3');
    const caught = record('caught');
    helper.getNode('cancel').receive({ tag: 'nothing-here' });
    await waitFor(() => caught.length === 1, 3000, 'the refusal');
    caught[0].routeros.error.code.should.equal('ENOTAG');
  });
});
