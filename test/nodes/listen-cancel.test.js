'use strict';
// routeros-listen and routeros-cancel: events as messages, stop by msg or by a cancel node
// (tag), status, resume after the router comes back.
require('should');
const {
  helper,
  allNodes,
  flow,
  startSimulator,
  unloadAndStop,
  nextMessage,
  collect,
  statusMatching,
  roundTrip,
  setInterface: setInterfaceOf,
} = require('./setup');
const { waitFor } = require('../helpers/wait');

describe('routeros-listen and routeros-cancel nodes', function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    await unloadAndStop(sim);
  });

  const setInterface = (attributes) => setInterfaceOf(sim, attributes);

  /** A command node on the same connection, for roundTrip(). */
  const probeNode = { id: 'cmd', type: 'routeros-command', command: '/system/identity/print', mode: 'oneshot' };

  function listenFlow(extra = {}, more = []) {
    return flow(sim, [
      {
        id: 'listen',
        type: 'routeros-listen',
        command: '/interface/listen',
        tag: 'iface-watch',
        autoStart: true,
        ...extra,
      },
      { id: 'cancel', type: 'routeros-cancel', tag: '', wires: [['cancelled']] },
      { id: 'cancelled', type: 'helper', wires: [] },
      ...more,
    ]);
  }

  it('sends each change as its own message with msg.tag and msg.topic', async function () {
    await helper.load(allNodes, listenFlow(), { conn: { password: '' } });
    await statusMatching('listen', (s) => s.fill === 'green');
    const events = collect('out');
    await setInterface({ '.id': 'ether1', disabled: 'yes' });
    await setInterface({ '.id': 'ether1', disabled: 'no' });
    await waitFor(() => events.length >= 2);
    events[0].tag.should.equal('iface-watch');
    events[0].topic.should.equal('/interface/listen');
    events[0].payload.should.have.properties({ name: 'ether1', disabled: 'true' });
    events[1].payload.should.have.properties({ name: 'ether1', disabled: 'false' });
  });

  it('a cancel node stops the stream by tag; the listen node shows it stopped', async function () {
    await helper.load(allNodes, listenFlow({}, [probeNode]), { conn: { password: '' } });
    await statusMatching('listen', (s) => s.fill === 'green');
    const stopped = statusMatching('listen', (s) => s.text === 'routeros-listen.status.stopped');
    const out = nextMessage('cancelled');
    helper.getNode('cancel').receive({ tag: 'iface-watch', keep: 'me' });
    const msg = await out;
    msg.payload.should.eql({ tag: 'iface-watch', cancelled: true });
    msg.keep.should.equal('me');
    await stopped;
    const events = collect('out');
    await setInterface({ '.id': 'ether2', mtu: '1400' });
    // An event for that change would reach the flow before the answer to a later command.
    await roundTrip();
    events.filter((m) => m.probe === undefined).should.have.length(0);
  });

  it('cancelling an unknown tag is an error for the Catch node', async function () {
    await helper.load(allNodes, listenFlow(), { conn: { password: '' } });
    const caught = nextMessage('caught');
    helper.getNode('cancel').receive({ tag: 'nothing-here' });
    (await caught).error.message.should.match(/no running command with tag "nothing-here"/);
  });

  it('msg.payload "stop" stops it and any other message starts it again', async function () {
    await helper.load(allNodes, listenFlow({ autoStart: false }), { conn: { password: '' } });
    const listen = helper.getNode('listen');
    const running = statusMatching('listen', (s) => s.fill === 'green');
    listen.receive({ payload: 'start' });
    await running;
    const stopped = statusMatching('listen', (s) => s.text === 'routeros-listen.status.stopped');
    listen.receive({ payload: 'stop' });
    await stopped;
    const again = statusMatching('listen', (s) => s.fill === 'green');
    listen.receive({ payload: 'start' });
    await again;
    const events = collect('out');
    await setInterface({ '.id': 'ether2', disabled: 'yes' });
    await waitFor(() => events.length === 1);
  });

  it('counts events in its status', async function () {
    await helper.load(allNodes, listenFlow(), { conn: { password: '' } });
    await statusMatching('listen', (s) => s.fill === 'green');
    const counted = statusMatching('listen', (s) => s.text === 'routeros-listen.status.events');
    await setInterface({ '.id': 'ether1', mtu: '1400' });
    await counted;
  });

  it('a duplicate listen tag on one connection is refused clearly', async function () {
    await helper.load(
      allNodes,
      flow(sim, [
        { id: 'a', type: 'routeros-listen', command: '/interface/listen', tag: 'same', autoStart: false },
        { id: 'b', type: 'routeros-listen', command: '/interface/listen', tag: 'same', autoStart: false },
      ]),
      { conn: { password: '' } },
    );
    const started = statusMatching('a', (s) => s.fill === 'green');
    helper.getNode('a').receive({});
    await started;
    const caught = nextMessage('caught');
    helper.getNode('b').receive({});
    (await caught).error.message.should.match(/tag "same" is already in use/);
  });

  it('resumes the stream after the router restarts', async function () {
    await helper.load(allNodes, listenFlow(), { conn: { password: '' } });
    await statusMatching('listen', (s) => s.fill === 'green');
    const down = statusMatching('listen', (s) => s.fill === 'red');
    await sim.restart();
    await down;
    await statusMatching('listen', (s) => s.fill === 'green', 8000);
    const events = collect('out');
    await setInterface({ '.id': 'ether2', disabled: 'yes' });
    await waitFor(() => events.length >= 1);
    events[0].tag.should.equal('iface-watch');
  });

  it('a finite stream (/tool/ping) ends and shows finished', async function () {
    await helper.load(
      allNodes,
      flow(sim, [
        {
          id: 'ping',
          type: 'routeros-listen',
          command: '/tool/ping',
          autoStart: true,
          attributes: [
            { name: 'address', value: '127.0.0.1', type: 'str' },
            { name: 'count', value: '3', type: 'num' },
            { name: 'interval', value: '0.01', type: 'str' },
          ],
        },
      ]),
      { conn: { password: '' } },
    );
    const events = collect('out');
    await statusMatching('ping', (s) => s.text === 'routeros-listen.status.finished');
    await waitFor(() => events.length === 3);
    events.map((m) => m.payload.seq).should.eql(['0', '1', '2']);
  });
});
