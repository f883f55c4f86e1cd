'use strict';
// The ensure node on a fleet: the same desired list on every router a message names, a report
// per router, a summary; bad input refused before any connection opens.
require('should');
const { helper, allNodes, startSimulator, TAB } = require('./setup');
const { waitFor } = require('../helpers/wait');

const fleetNode = require('../../nodes/routeros-fleet.js');
const nodes = [...allNodes, fleetNode];

const BLOCKED = [
  { list: 'blocked', address: '203.0.113.7', comment: 'scanner' },
  { list: 'blocked', address: '198.51.100.0/24' },
];

function flowOn(list) {
  return [
    { id: TAB, type: 'tab', label: 'fleet' },
    {
      id: 'fleet',
      type: 'routeros-fleet',
      name: 'test fleet',
      routers: list,
      port: '8728',
      username: 'admin',
      timeout: '3',
    },
    {
      id: 'ensure',
      type: 'routeros-ensure',
      z: TAB,
      x: 0,
      y: 0,
      targetType: 'fleet',
      fleet: 'fleet',
      routers: '*',
      path: '/ip/firewall/address-list',
      keys: 'list,address',
      unlisted: 'remove',
      restrict: '?list=blocked',
      skipDynamic: true,
      keepOrder: false,
      dryRun: false,
      maxChanges: '',
      wires: [['reports'], ['summary']],
    },
    { id: 'reports', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'summary', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'catch', type: 'catch', z: TAB, x: 0, y: 0, scope: ['ensure'], uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
  ];
}

function record(id) {
  const seen = [];
  helper.getNode(id).on('input', (msg) => seen.push(msg));
  return seen;
}

describe('ensure node on a fleet', function () {
  let sims = [];
  beforeEach(async function () {
    sims = [];
    for (let i = 1; i <= 2; i++) sims.push(await startSimulator({ identity: `router-00${i}` }));
  });
  afterEach(async function () {
    await helper.unload();
    await Promise.all(sims.map((sim) => sim.stop()));
  });
  const listOf = () => sims.map((sim, i) => `r${i + 1} 127.0.0.1:${sim.port}`).join('\n');
  const blockedOn = (sim) =>
    sim.router
      .print('/ip/firewall/address-list')
      .filter((r) => r.list === 'blocked')
      .map((r) => r.address)
      .sort();

  it('makes every router match, a report per router then a summary; a second run changes nothing', async function () {
    await helper.load(nodes, flowOn(listOf()), { fleet: { password: '' } });
    const reports = record('reports');
    const summary = record('summary');
    helper.getNode('ensure').receive({ payload: BLOCKED });
    await waitFor(() => summary.length === 1, 5000, 'the summary');
    summary[0].payload.ok.slice().sort().should.eql(['r1', 'r2']);
    reports
      .map((m) => m.router)
      .sort()
      .should.eql(['r1', 'r2']);
    reports.every((m) => m.payload.changed && m.payload.added.length === 2).should.be.true();
    reports[0].routeros.diff.should.containEql('+ list=blocked address=203.0.113.7 comment=scanner');
    sims.forEach((sim) => blockedOn(sim).should.eql(['198.51.100.0/24', '203.0.113.7']));

    helper.getNode('ensure').receive({ payload: BLOCKED });
    await waitFor(() => summary.length === 2, 5000, 'the second summary');
    reports
      .slice(2)
      .every((m) => m.payload.changed === false)
      .should.be.true();
  });

  it('a duplicate key is EINPUT before any router is contacted', async function () {
    await helper.load(nodes, flowOn(listOf()), { fleet: { password: '' } });
    const caught = record('caught');
    helper.getNode('ensure').receive({ payload: [BLOCKED[0], BLOCKED[0]] });
    await waitFor(() => caught.length === 1, 3000, 'the refusal');
    caught[0].routeros.error.code.should.equal('EINPUT');
    sims.forEach((sim) => sim.totalConnections.should.equal(0));
  });
});
