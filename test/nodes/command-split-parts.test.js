'use strict';
// routeros-command's "one message per row" keeps an incoming msg.parts the way the core split
// node does, as msg.parts.parts, so a join node after it restores the outer sequence; and a
// reply without rows sends nothing, like split given an empty array.
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
} = require('./setup');

describe('routeros-command split and msg.parts', function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    await unloadAndStop(sim);
  });

  async function load(extra = {}) {
    await helper.load(
      allNodes,
      flow(sim, [
        {
          id: 'cmd',
          type: 'routeros-command',
          command: '/interface/print',
          mode: 'array',
          split: true,
          wires: [['out', 'join']],
          ...extra,
        },
        { id: 'join', type: 'join', mode: 'auto', wires: [['joined']] },
        { id: 'joined', type: 'helper', wires: [] },
      ]),
      { conn: { password: '' } },
    );
  }

  it('nests an incoming msg.parts as parts.parts, and join restores it', async function () {
    await load();
    const outer = { id: 'outer-sequence', index: 1, count: 3, type: 'array', len: 1 };
    const rows = collect('out');
    const joined = nextMessage('joined');
    helper.getNode('cmd').receive({ payload: 'go', parts: outer });
    const rebuilt = await joined;
    rows.length.should.be.above(1);
    const ids = new Set();
    rows.forEach((m, i) => {
      m.parts.should.have.properties({ index: i, count: rows.length, type: 'array', len: 1 });
      m.parts.id.should.not.equal(outer.id);
      ids.add(m.parts.id);
      m.parts.parts.should.eql(outer);
    });
    ids.size.should.equal(1);
    rebuilt.payload.should.eql(rows.map((m) => m.payload));
    rebuilt.parts.should.eql(outer);
  });

  it('adds no parts.parts when the message had no msg.parts', async function () {
    await load();
    const rows = collect('out');
    const joined = nextMessage('joined');
    helper.getNode('cmd').receive({ payload: 'go' });
    const rebuilt = await joined;
    rows.length.should.be.above(0);
    rows.forEach((m) => m.parts.should.not.have.property('parts'));
    rebuilt.should.not.have.property('parts');
  });

  it('sends no message when the reply has no rows', async function () {
    await load();
    const first = nextMessage('joined');
    helper.getNode('cmd').receive({ payload: 'warm up' });
    await first; // connected, and one call answered
    const rows = collect('out');
    const caught = collect('caught');
    // The node sets its status once the call has been answered and handled.
    const handled = statusMatching('cmd', (s) => s.fill === 'green');
    helper
      .getNode('cmd')
      .receive({ payload: 'go', queries: ['?name=no-such-interface'], parts: { id: 'x', index: 0 } });
    await handled;
    rows.should.have.length(0);
    caught.should.have.length(0);
  });
});
