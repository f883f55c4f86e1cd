'use strict';
// routeros-cancel shows an error in red only until a later cancel succeeds; then it shows the
// connection's state again, as the command node does after a good call.
require('should');
const { helper, allNodes, flow, startSimulator, unloadAndStop, nextMessage, statusMatching } = require('./setup');

describe('routeros-cancel status', function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    await unloadAndStop(sim);
  });

  it('a successful cancel clears the red status of a failed one', async function () {
    await helper.load(
      allNodes,
      flow(sim, [
        { id: 'listen', type: 'routeros-listen', command: '/interface/listen', tag: 'watch', autoStart: true },
        { id: 'cancel', type: 'routeros-cancel', tag: '', wires: [['cancelled']] },
        { id: 'cancelled', type: 'helper', wires: [] },
      ]),
      { conn: { password: '' } },
    );
    await statusMatching('listen', (s) => s.fill === 'green');
    const cancel = helper.getNode('cancel');
    const statuses = [];
    cancel.on('call:status', (call) => statuses.push(call.args[0]));

    const caught = nextMessage('caught');
    const red = statusMatching('cancel', (s) => s.fill === 'red');
    cancel.receive({ tag: 'no-such-stream' });
    (await caught).error.message.should.match(/no running command with tag "no-such-stream"/);
    await red;

    const cancelled = nextMessage('cancelled');
    const stopped = statusMatching('listen', (s) => s.text === 'routeros-listen.status.stopped');
    cancel.receive({ tag: 'watch' });
    (await cancelled).payload.should.eql({ tag: 'watch', cancelled: true });
    await stopped;

    const last = statuses[statuses.length - 1];
    (last.fill === 'red').should.be.false(`status still ${JSON.stringify(last)}`);
    last.should.eql({ fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' });
  });
});
