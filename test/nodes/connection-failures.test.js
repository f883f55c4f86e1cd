'use strict';
// Issue 16 at the node level: a refused login is not retried for minutes while messages fail at
// once with ELOGIN; a redeploy tries again at once; the keepalive interval is a setting.
require('should');
const { helper, allNodes, flow, startSimulator, unloadAndStop, statusMatching } = require('./setup');
const { waitFor } = require('../helpers/wait');

const PASSWORD = 'right-password';

function countCommands(sim, path) {
  const counter = { n: 0 };
  sim.on('command', (event) => {
    if (event.words[0] === path) counter.n++;
  });
  return counter;
}

describe('routeros-connection: failures', function () {
  let sim;
  afterEach(async function () {
    await unloadAndStop(sim);
    sim = undefined;
  });

  const command = { id: 'cmd', type: 'routeros-command', command: '/system/identity/print', mode: 'oneshot' };

  it('a refused login: messages fail at once with ELOGIN and cause no login; a redeploy tries at once', async function () {
    sim = await startSimulator({ password: PASSWORD });
    const logins = countCommands(sim, '/login');
    // The connection's timeout is 30 s: a message that waited for it would miss the test's waits.
    await helper.load(allNodes, flow(sim, [command], { timeout: '30' }), { conn: { password: 'wrong' } });
    const status = await statusMatching('cmd', (s) => s.fill === 'red');
    status.text.should.equal('routeros-connection.status.loginRefused'); // the helper loads no catalogs
    const caught = [];
    helper.getNode('caught').on('input', (msg) => caught.push(msg));
    for (let i = 0; i < 10; i++) helper.getNode('cmd').receive({ i });
    await waitFor(() => caught.length === 10, 3000, 'ten messages at Catch');
    caught.forEach((msg) => msg.routeros.error.code.should.equal('ELOGIN'));
    logins.n.should.equal(1, 'one login try, however many messages');
    (helper.getNode('conn').session.nextAttemptAt - Date.now()).should.be.above(290000);

    // A redeploy with the right password: a new connection node, which tries at once.
    await helper.unload();
    await helper.load(allNodes, flow(sim, [command], { timeout: '30' }), { conn: { password: PASSWORD } });
    await statusMatching('cmd', (s) => s.fill === 'green');
    logins.n.should.equal(2);
  });

  it('the keepalive setting sets how long a quiet connection waits before it checks the router', async function () {
    sim = await startSimulator();
    const probes = countCommands(sim, '/system/identity/print');
    await helper.load(allNodes, flow(sim, [command], { keepalive: '0.2' }), { conn: { password: '' } });
    await statusMatching('cmd', (s) => s.fill === 'green');
    // No message is sent: every identity print the router sees is a keepalive probe.
    await waitFor(() => probes.n >= 2, 3000, 'two keepalive probes');
  });
});
