'use strict';
// routeros-connection settings that are not what they seem (an environment variable not set,
// or set to something else), and a redeployed user that must keep the shared connection.
require('should');
const { helper, allNodes, flow, startSimulator, unloadAndStop, nextMessage } = require('./setup');

describe('routeros-connection settings and users', function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    await unloadAndStop(sim);
  });

  const identity = { id: 'cmd', type: 'routeros-command', command: '/system/identity/print', mode: 'oneshot' };

  it('a port or timeout that is not a number is reported, and the default used', async function () {
    await helper.load(allNodes, flow(sim, [identity], { port: 'not-a-port', timeout: 'soon' }), {
      conn: { password: '' },
    });
    const conn = helper.getNode('conn');
    conn.label.should.equal('127.0.0.1:8728');
    conn.callTimeout.should.equal(10000);
    const warnings = helper
      .log()
      .args.filter((a) => a[0] && a[0].id === 'conn' && a[0].level === helper.log().WARN)
      .map((a) => a[0].msg);
    warnings.should.eql(['routeros-connection.warn.bad-setting', 'routeros-connection.warn.bad-setting']);
  });

  it("a user leaving after a newer user with the same id registered does not take that one's connection", async function () {
    await helper.load(allNodes, flow(sim, [identity]), { conn: { password: '' } });
    const conn = helper.getNode('conn');
    const old = { node: { id: 'same' }, onConnectionState: () => undefined };
    const renewed = { node: { id: 'same' }, onConnectionState: () => undefined };
    conn.register(old);
    conn.register(renewed);
    await conn.deregister(old); // late: the renewed user took its place
    (conn.session !== undefined).should.be.true();
    const out = nextMessage('out');
    helper.getNode('cmd').receive({});
    (await out).payload.should.eql({ name: 'MikroTik' });
    await conn.deregister(renewed);
  });
});
