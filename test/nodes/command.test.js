'use strict';
// routeros-command against the simulator: presets, one-shot, array, split, queries, proplist,
// msg overrides, TypedInput attributes, parseValues, and every error reaching a Catch node.
require('should');
const {
  helper,
  allNodes,
  flow,
  startSimulator,
  unloadAndStop,
  nextMessage,
  collect,
  roundTrip,
  recordDone,
} = require('./setup');
const { waitFor } = require('../helpers/wait');

describe('routeros-command node', function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    await unloadAndStop(sim);
  });

  async function run(nodeProps, msg = { payload: 'go' }, output = 'out') {
    await helper.load(allNodes, flow(sim, [{ id: 'cmd', type: 'routeros-command', ...nodeProps }]), {
      conn: { password: '' },
    });
    const received = nextMessage(output);
    helper.getNode('cmd').receive(msg);
    return received;
  }

  describe('presets', function () {
    it('system resources (one-shot)', async function () {
      const msg = await run({ command: '/system/resource/print', mode: 'oneshot' });
      msg.payload.should.be.an
        .Object()
        .and.have.properties('uptime', 'version', 'cpu-load', 'free-memory', 'board-name');
      msg.routeros.should.have.property('command', '/system/resource/print');
      msg.routeros.should.have.property('tag').which.is.a.String();
    });
    it('identity (one-shot)', async function () {
      (await run({ command: '/system/identity/print', mode: 'oneshot' })).payload.should.eql({ name: 'MikroTik' });
    });
    it('interfaces (array)', async function () {
      const msg = await run({ command: '/interface/print', mode: 'array' });
      msg.payload.should.be.an.Array();
      msg.payload.map((r) => r.name).should.containDeep(['ether1', 'ether2']);
    });
    it('active users (array) shows this API session', async function () {
      const msg = await run({ command: '/user/active/print', mode: 'array' });
      msg.payload.length.should.be.aboveOrEqual(1);
      msg.payload[0].should.have.properties({ name: 'admin', via: 'api' });
    });
    it('IP addresses (array) is [] on a fresh router', async function () {
      (await run({ command: '/ip/address/print', mode: 'array' })).payload.should.eql([]);
    });
  });

  it('a good message reaches a Complete node once, after its answer', async function () {
    const nodes = [
      { id: 'cmd', type: 'routeros-command', command: '/system/identity/print', mode: 'oneshot' },
      { id: 'complete', type: 'complete', scope: ['cmd'], uncaught: false, wires: [['completed']] },
      { id: 'completed', type: 'helper', wires: [] },
    ];
    await helper.load(allNodes, flow(sim, nodes), { conn: { password: '' } });
    const outs = collect('out');
    const completed = collect('completed');
    const done = recordDone('cmd');
    try {
      helper.getNode('cmd').receive({ n: 1 });
      await waitFor(() => completed.length === 1, 3000, 'the Complete node');
      outs.map((m) => m.n).should.eql([1], 'the answer was sent before done()');
      completed[0].payload.should.eql({ name: 'MikroTik' });
      // A second message that completes shows the first completed once, not again later.
      await roundTrip();
      await waitFor(() => completed.length === 2, 3000, 'the probe at the Complete node');
      completed.map((m) => m.n ?? 'probe').should.eql([1, 'probe']);
      done.should.have.length(2);
    } finally {
      done.stop();
    }
  });

  it('keeps the input message and its properties', async function () {
    const msg = await run(
      { command: '/system/identity/print', mode: 'oneshot' },
      { payload: 1, topic: 'keep-me', extra: 42 },
    );
    msg.topic.should.equal('keep-me');
    msg.extra.should.equal(42);
  });

  it('split sends one message per row with msg.parts that a join node rebuilds', async function () {
    const nodes = [
      {
        id: 'cmd',
        type: 'routeros-command',
        command: '/interface/print',
        mode: 'array',
        split: true,
        wires: [['out', 'join']],
      },
      { id: 'join', type: 'join', mode: 'auto', wires: [['joined']] },
      { id: 'joined', type: 'helper', wires: [] },
    ];
    await helper.load(allNodes, flow(sim, nodes), { conn: { password: '' } });
    const parts = collect('out');
    const joined = nextMessage('joined');
    helper.getNode('cmd').receive({ payload: 'go' });
    const rebuilt = await joined;
    rebuilt.payload.should.be.an.Array();
    rebuilt.payload.length.should.equal(parts.length);
    parts.forEach((m, i) => {
      m.parts.should.have.properties({ index: i, count: parts.length, type: 'array' });
      m.payload.should.eql(rebuilt.payload[i]);
    });
  });

  it('applies queries and .proplist from the node', async function () {
    const msg = await run({
      command: '/interface/print',
      mode: 'array',
      queries: ['?name=ether2'],
      proplist: 'name,mtu',
    });
    msg.payload.should.eql([{ name: 'ether2', mtu: '1500' }]);
  });

  it('takes msg.command, msg.attributes, msg.queries and msg.proplist', async function () {
    const msg = await run(
      { command: '', mode: 'array' },
      { command: '/interface/print', queries: ['?name=ether1'], proplist: ['name', 'type'] },
    );
    msg.payload.should.eql([{ name: 'ether1', type: 'ether' }]);
    await helper.unload();
    const set = await run(
      {
        command: '/system/identity/set',
        mode: 'oneshot',
        attributes: [{ name: 'name', value: 'configured', type: 'str' }],
      },
      { attributes: { name: 'from-msg' } },
    );
    set.payload.should.eql({});
    (await sim.router.identity).should.equal('from-msg');
  });

  it('evaluates TypedInput attribute values (msg, num, bool, env, jsonata)', async function () {
    process.env.ROUTEROS_TEST_COMMENT = 'from-env';
    const msg = await run(
      {
        command: '/ip/address/add',
        mode: 'oneshot',
        attributes: [
          { name: 'address', value: 'addr', type: 'msg' },
          { name: 'interface', value: '"ether" & "1"', type: 'jsonata' },
          { name: 'comment', value: 'ROUTEROS_TEST_COMMENT', type: 'env' },
          { name: 'disabled', value: 'false', type: 'bool' },
        ],
      },
      { addr: '127.0.0.9/8' },
    );
    await helper.unload();
    msg.payload.should.have.property('ret').match(/^\*/);
    const [row] = await sim.router.print('/ip/address');
    row.should.have.properties({ address: '127.0.0.9/8', interface: 'ether1', comment: 'from-env', disabled: 'false' });
  });

  it('parseValues turns booleans and integers into JSON types', async function () {
    const msg = await run({ command: '/interface/print', mode: 'array', parseValues: true, queries: ['?name=ether1'] });
    msg.payload[0].should.have.properties({ mtu: 1500, running: true, disabled: false, '.id': '*1' });
  });

  describe('errors reach a Catch node with the message', function () {
    it('a !trap carries the router message and category', async function () {
      const caught = await run(
        {
          command: '/ip/address/add',
          mode: 'oneshot',
          attributes: [
            { name: 'address', value: '127.0.0.7/8', type: 'str' },
            { name: 'interface', value: 'nope', type: 'str' },
          ],
        },
        { payload: 'x', mine: true },
        'caught',
      );
      caught.error.message.should.match(/input does not match any value of interface/);
      caught.error.code.should.equal('ETRAP');
      caught.mine.should.be.true();
      caught.routeros.should.have.property('command', '/ip/address/add');
      caught.routeros.error.should.eql({
        code: 'ETRAP',
        message: 'input does not match any value of interface',
        category: 1,
      });
    });
    it('a missing command', async function () {
      const caught = await run({ command: '', mode: 'oneshot' }, { payload: 'x' }, 'caught');
      caught.error.message.should.match(/no command/);
    });
    it('a non-string command, a command without "/", a bad attribute', async function () {
      (await run({ command: '', mode: 'oneshot' }, { command: 42 }, 'caught')).error.message.should.match(
        /must be a string/,
      );
      await helper.unload();
      (
        await run({ command: '', mode: 'oneshot' }, { command: 'interface/print' }, 'caught')
      ).error.message.should.match(/must start with "\/"/);
      await helper.unload();
      (
        await run({ command: '/ip/address/add', mode: 'oneshot' }, { attributes: { 'bad=name': 'x' } }, 'caught')
      ).error.message.should.match(/must not contain "="/);
      await helper.unload();
      (
        await run({ command: '/ip/address/add', mode: 'oneshot' }, { attributes: { comment: { a: 1 } } }, 'caught')
      ).error.message.should.match(/string, number or boolean/);
      await helper.unload();
      (
        await run({ command: '/ip/address/add', mode: 'oneshot' }, { attributes: 'nope' }, 'caught')
      ).error.message.should.match(/msg.attributes must be an object/);
    });
    it('reports each error once and calls done once per message', async function () {
      await helper.load(allNodes, flow(sim, [{ id: 'cmd', type: 'routeros-command', command: '', mode: 'array' }]), {
        conn: { password: '' },
      });
      const caught = collect('caught');
      const done = recordDone('cmd');
      try {
        const cmd = helper.getNode('cmd');
        cmd.receive({ n: 1, command: '/no/such/thing' });
        cmd.receive({ n: 2, command: '/no/such/thing' });
        // Anything the two failures could still report reaches the flow before this answer.
        await roundTrip('cmd', 'out', { command: '/system/identity/print' });
        // A caught message takes one hop more than the probe's answer (the node, then the Catch
        // node): wait for both, then a second round trip gives a duplicate time to show.
        await waitFor(() => caught.length >= 2, 3000, 'both errors at Catch');
        await roundTrip('cmd', 'out', { command: '/system/identity/print' });
        caught.map((m) => m.n).should.eql([1, 2]);
        done.map((m) => m.n ?? 'probe').should.eql([1, 2, 'probe', 'probe']);
      } finally {
        done.stop();
      }
    });
  });
});
