'use strict';
// Issue 16, item 1: with a Catch and a Complete node scoped to each node that takes input, a
// failed message reaches Catch once and Complete never; a good one reaches Complete once.
// (Node-RED treats done() as success: failures must end with done(err).)
const path = require('node:path');
require('should');
const { helper, allNodes, startSimulator, unloadAndStop, connectionNode, TAB } = require('./setup');
const { waitFor } = require('../helpers/wait');

const completeNode = require(
  path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core', 'common', '24-complete.js'),
);

/** The node under test `n`, with a Catch and a Complete node scoped to it. */
function scopedFlow(sim, node, extra = []) {
  return [
    { id: TAB, type: 'tab', label: 'test' },
    connectionNode(sim),
    { id: 'n', z: TAB, x: 0, y: 0, connection: 'conn', wires: [['out']], ...node },
    { id: 'out', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'catch', type: 'catch', z: TAB, x: 0, y: 0, scope: ['n'], uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    { id: 'complete', type: 'complete', z: TAB, x: 0, y: 0, scope: ['n'], uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper', z: TAB, x: 0, y: 0, wires: [] },
    ...extra.map((e) => ({ z: TAB, x: 0, y: 0, ...e })),
  ];
}

function record(id) {
  const seen = [];
  helper.getNode(id).on('input', (msg) => seen.push(msg));
  return seen;
}

/**
 * Sends `bad`, waits for Catch, then `good`, waits for Complete; then each went to exactly one
 * of them, once. The good message goes second so that anything the bad one would still have
 * caused has happened by then (done(err) is what triggers Catch).
 */
async function expectCatchThenComplete(bad, good, expectedCode) {
  const caught = record('caught');
  const completed = record('completed');
  const node = helper.getNode('n');
  node.receive({ ...bad, which: 'bad' });
  await waitFor(() => caught.length === 1, 5000, 'the failed message at Catch');
  node.receive({ ...good, which: 'good' });
  await waitFor(() => completed.length === 1, 5000, 'the good message at Complete');
  caught.map((m) => m.which).should.eql(['bad']);
  caught[0].routeros.error.code.should.equal(expectedCode);
  caught[0].error.source.id.should.equal('n');
  completed.map((m) => m.which).should.eql(['good']);
}

describe('Catch and Complete nodes on every node that takes input', function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    await unloadAndStop(sim);
  });

  const command = { id: 'n', type: 'routeros-command', command: '', mode: 'oneshot' };

  it('command: a !trap reaches Catch once and Complete never', async function () {
    await helper.load([...allNodes, completeNode], scopedFlow(sim, command), { conn: { password: '' } });
    await expectCatchThenComplete(
      { command: '/ip/address/add', attributes: { comment: 'no address' } },
      { command: '/system/identity/print' },
      'ETRAP',
    );
  });

  it('command: bad input reaches Catch once and Complete never', async function () {
    await helper.load([...allNodes, completeNode], scopedFlow(sim, command), { conn: { password: '' } });
    await expectCatchThenComplete({ command: 42 }, { command: '/system/identity/print' }, 'EINPUT');
  });

  it('command: a lost connection reaches Catch once and Complete never', async function () {
    await helper.load([...allNodes, completeNode], scopedFlow(sim, command), { conn: { password: '' } });
    sim.faults.fatalOnCommand = '/system/reboot';
    await expectCatchThenComplete({ command: '/system/reboot' }, { command: '/system/identity/print' }, 'EFATAL');
  });

  it('command: a timeout reaches Catch once and Complete never', async function () {
    await helper.load([...allNodes, completeNode], scopedFlow(sim, command), { conn: { password: '' } });
    sim.faults.replyDelayMs = 4000; // beyond the connection's 3 s timeout
    const caught = record('caught');
    const completed = record('completed');
    helper.getNode('n').receive({ command: '/system/identity/print', which: 'bad' });
    await waitFor(() => caught.length === 1, 6000, 'the timed-out message at Catch');
    sim.faults.replyDelayMs = 0;
    helper.getNode('n').receive({ command: '/system/identity/print', which: 'good' });
    await waitFor(() => completed.length === 1, 5000, 'the good message at Complete');
    caught[0].routeros.error.code.should.equal('ETIMEOUT');
    completed.map((m) => m.which).should.eql(['good']);
    caught.should.have.length(1);
  });

  it('listen: a message asking for something invalid reaches Catch once and Complete never', async function () {
    const listen = { id: 'n', type: 'routeros-listen', command: '', tag: '', autoStart: false };
    await helper.load([...allNodes, completeNode], scopedFlow(sim, listen), { conn: { password: '' } });
    await expectCatchThenComplete({ command: 42 }, { command: '/interface/listen' }, 'EINPUT');
  });

  it('cancel: an unknown tag reaches Catch once and Complete never', async function () {
    const cancel = { id: 'n', type: 'routeros-cancel', tag: '' };
    const listen = {
      id: 'watcher',
      type: 'routeros-listen',
      connection: 'conn',
      command: '/interface/listen',
      tag: 'watch',
      autoStart: true,
      wires: [],
    };
    await helper.load([...allNodes, completeNode], scopedFlow(sim, cancel, [listen]), { conn: { password: '' } });
    await waitFor(() => helper.getNode('conn').session.hasStream('watch'), 3000, 'the stream to cancel');
    await expectCatchThenComplete({ tag: 'no-such-stream' }, { tag: 'watch' }, 'ENOTAG');
  });
});
